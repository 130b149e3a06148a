#!/usr/bin/env bash
# Regenerates notebooks-export/: the batch of datasets/run.yaml with its notebook, the example
# the tests compare against. Usage: bash scripts/export-notebook.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product disparity >&2
rm -rf notebooks-export
.build/debug/disparity run datasets/run.yaml --out notebooks-export
