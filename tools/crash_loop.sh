#!/usr/bin/env bash
# Run the kill -9 recovery test (tests/test_crash_recovery.py) N times in a row (default 20);
# stop at the first failure. Usage: tools/crash_loop.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
for i in $(seq 1 "$runs"); do
    if ! python -m pytest -q -p no:cacheprovider tests/test_crash_recovery.py >/tmp/crash_loop.$$.log 2>&1; then
        echo "run $i/$runs FAILED:"
        tail -40 /tmp/crash_loop.$$.log
        exit 1
    fi
    echo "run $i/$runs passed ($(tail -1 /tmp/crash_loop.$$.log))"
done
rm -f /tmp/crash_loop.$$.log
echo "$runs/$runs passed"
