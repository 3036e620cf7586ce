#!/usr/bin/env bash
# Fails if `swift format` (part of the toolchain) would change any file: formats a copy of the
# tree and compares. Format in place with:
#   swift format format --in-place --recursive Package.swift Sources Tests
set -euo pipefail
cd "$(dirname "$0")/.."
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -R Package.swift Sources Tests .swift-format "$copy/"
swift format format --in-place --recursive --configuration .swift-format "$copy/Package.swift" "$copy/Sources" "$copy/Tests"
if ! diff -r -q Sources "$copy/Sources" >/dev/null || ! diff -r -q Tests "$copy/Tests" >/dev/null || ! diff -q Package.swift "$copy/Package.swift" >/dev/null; then
    echo "The tree is not formatted; these files differ from 'swift format' output:" >&2
    diff -r -q Sources "$copy/Sources" >&2 || true
    diff -r -q Tests "$copy/Tests" >&2 || true
    diff -q Package.swift "$copy/Package.swift" >&2 || true
    exit 1
fi
echo "format: ok"
