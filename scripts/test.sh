#!/usr/bin/env bash
# The test command the README and CI run: type-check, then every test file under test/.
# Bounded twice over: every test has a timeout (--test-timeout for those that set none), and
# --test-force-exit ends a file whose tests are done even if a failed test left a socket open.
# The outer `timeout` is the last resort: a hung run fails in 25 minutes instead of eating CI.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec timeout --kill-after=30 1500 node --import tsx --test --test-concurrency=2 \
  --test-timeout=300000 --test-force-exit "${files[@]}"
