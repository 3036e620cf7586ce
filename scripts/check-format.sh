#!/usr/bin/env bash
# Fails if `swift format` (part of the toolchain) would change any file: formats a copy of the
# tree and compares. Format in place with:
#   swift format format --in-place --recursive Package.swift Sources Tests Examples/Package.swift Examples/Sources
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Examples/Package.swift Examples/Sources)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
for path in "${paths[@]}"; do
    mkdir -p "$copy/$(dirname "$path")"
    cp -R "$path" "$copy/$path"
done
(cd "$copy" && swift format format --in-place --recursive --configuration "$OLDPWD/.swift-format" "${paths[@]}")
different=0
for path in "${paths[@]}"; do
    if ! diff -r -q "$path" "$copy/$path" >/dev/null; then
        [ $different -eq 0 ] && echo "The tree is not formatted; these files differ from 'swift format' output:" >&2
        diff -r -q "$path" "$copy/$path" >&2 || true
        different=1
    fi
done
[ $different -eq 0 ] && echo "format: ok"
exit $different
