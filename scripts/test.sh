#!/usr/bin/env bash
# Runs every test: installs what the build needs when missing, builds the package with its
# tests, and runs them. Tests need no R: the oracles' outputs are committed fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
swift build --build-tests
swift test --skip-build
