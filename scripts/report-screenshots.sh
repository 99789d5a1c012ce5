#!/bin/sh
# Writes the README screenshots of reports from the public (a report's timeline, the printed disposal
# report in Chinese and English) to docs/screenshots by running the browser test of a report's whole life.
set -eu
cd "$(dirname "$0")/.."
REPORT_SHOTS_DIR="$(pwd)/docs/screenshots" .venv/bin/pytest tests/browser/test_report_life.py -q -p no:cacheprovider "$@"
