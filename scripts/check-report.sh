#!/usr/bin/env bash
# Renders `weasel report` of spambase in headless Chromium (installed with apt if missing) to a PNG
# screenshot and a PDF, and fails if the browser logs a console error, a section is missing, or a
# chart has no marks. Not part of `swift test` (it needs a browser); run it after changing the report.
# Usage: bash scripts/check-report.sh [OUTPUT_DIR=/tmp/weasel-report]   (writes report.html/png/pdf there)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/weasel-report}
mkdir -p "$out"
if ! command -v chromium > /dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
swift build -c release --product weasel > /dev/null
weasel=.build/release/weasel
data=datasets/spambase
"$weasel" train --data "$data" --method weasel --out "$out/weasel.json" --quiet > /dev/null
"$weasel" train --data "$data" --method majority --out "$out/majority.json" --quiet > /dev/null
"$weasel" compare --data "$data" --seeds 3 --methods weasel,majority,dawid-skene,snorkel,supervised,logreg-valid \
  --no-tune --quiet --json > "$out/compare.json"
"$weasel" report --data "$data" --models "$out/weasel.json,$out/majority.json" --compare "$out/compare.json" \
  --out "$out/report.html" --quiet

browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0)
url="file://$(realpath "$out/report.html")"
"${browser[@]}" --window-size=1280,1700 --screenshot="$out/report.png" "$url" 2> "$out/screenshot.log"
"${browser[@]}" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "$url" 2> "$out/pdf.log"
"${browser[@]}" --dump-dom "$url" > "$out/dom.html" 2> "$out/dom.log"

status=0
if grep -h -E "CONSOLE|Uncaught" "$out"/screenshot.log "$out"/pdf.log "$out"/dom.log; then
  echo "check-report: the page logged console messages (above)" >&2
  status=1
fi
for section in dataset label-models training comparison influence; do
  grep -q "<section id=\"$section\">" "$out/dom.html" || { echo "check-report: section '$section' is missing" >&2; status=1; }
done
# Every chart must have marks: a <title> beyond the chart's own (each bar, dot and line has one).
awk 'BEGIN { RS = "</svg>" }
  /<svg[^>]*class="chart"/ {
    charts++
    chart = substr($0, index($0, "<svg"))
    marks = gsub(/<title>/, "", chart) - 1
    if (marks < 1) { empty++; match(chart, /aria-label="[^"]*"/); print "check-report: empty chart " substr(chart, RSTART, RLENGTH) > "/dev/stderr" }
  }
  END { print "check-report: " charts " charts, " empty + 0 " empty"; exit (charts == 0 || empty > 0) }' "$out/dom.html" || status=1
for file in report.png report.pdf; do
  [ -s "$out/$file" ] || { echo "check-report: $file was not written" >&2; status=1; }
done
echo "check-report: $out/report.png, $out/report.pdf ($( [ $status -eq 0 ] && echo ok || echo FAILED))"
exit $status
