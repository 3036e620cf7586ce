#!/usr/bin/env bash
# Rebuilds datasets/debian-packages/packages.csv from the Debian package index of this machine
# (needs `apt-get update` first): 200 packages from each of the sections games, science and
# sound, chosen by the MD5 of the package name (deterministic, not alphabetical), with their
# one-line description, maintainer, installed size (KiB) and section (the gold label).
# Debug-symbol packages are left out. Usage: bash scripts/data/debian-packages.sh > packages.csv
set -euo pipefail
export LC_ALL=C
quote() { printf '"%s"' "${1//\"/\"\"}"; }
apt-cache dumpavail | awk -F': ' '
  /^Package:/ { p = $2 }
  /^Description:/ { d = substr($0, 14) }
  /^Section:/ { s = $2 }
  /^Maintainer:/ { m = substr($0, 13); sub(/ *<.*/, "", m) }
  /^Installed-Size:/ { z = $2 }
  /^$/ { if (p != "") print s "\t" p "\t" d "\t" m "\t" z; p = "" }' \
  | awk -F'\t' '$1 == "games" || $1 == "science" || $1 == "sound"' \
  | grep -v -E $'^[a-z]+\t[^\t]*-dbg(sym)?\t' \
  | sort -u -t$'\t' -k2,2 > /tmp/debian-packages.tsv
echo "id,text,maintainer,installed_size,label"
for section in games science sound; do
  awk -F'\t' -v s="$section" '$1 == s' /tmp/debian-packages.tsv | while IFS=$'\t' read -r sec name text maintainer size; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$(printf '%s' "$name" | md5sum | cut -c1-32)" "$name" "$text" "$maintainer" "$size"
  done | sort | awk "NR <= 200" | while IFS=$'\t' read -r hash name text maintainer size; do
    printf '%s,%s,%s,%s,%s\n' "$name" "$(quote "$text")" "$(quote "$maintainer")" "$size" "$section"
  done
done
rm -f /tmp/debian-packages.tsv
