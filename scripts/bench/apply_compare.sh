#!/usr/bin/env bash
# Times `weasel apply` against Snorkel's PandasLFApplier on the same rules and rows: the shipped
# Debian package descriptions repeated N times (ids made unique). Optional, never in the tests;
# needs a release build and a Python environment with pandas and snorkel (see apply_reference.py).
# Usage: bash scripts/bench/apply_compare.sh [N=200] [PYTHON=/tmp/ref/bin/python]
set -euo pipefail
repeats=${1:-200}
python=${2:-/tmp/ref/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=datasets/debian-packages/packages.csv
{
  head -1 "$source"
  for ((k = 0; k < repeats; k++)); do tail -n +2 "$source" | sed "s/^/r$k-/"; done
} > "$work/rows.csv"
echo "rows: $(($(wc -l < "$work/rows.csv") - 1))" >&2
start=$(date +%s.%N)
.build/release/weasel apply --lfs datasets/debian-packages/rules.json --data "$work/rows.csv" --out "$work/out" > /dev/null
end=$(date +%s.%N)
echo "{\"weasel_apply_seconds\": $(echo "$end - $start" | bc)}"
OMP_NUM_THREADS=1 "$python" scripts/bench/apply_reference.py datasets/debian-packages/rules.json "$work/rows.csv"
