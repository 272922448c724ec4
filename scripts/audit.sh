#!/usr/bin/env bash
# npm audit of the runtime dependencies at high severity or above. Where the registry refuses the
# advisory endpoints (this workplace's npm mirror answers 405), say so and pass: the hand check of
# the tree is in the README ("Dependencies"), and an unreachable audit is not a clean one.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(npm audit --omit=dev --audit-level=high 2>&1)
code=$?
if [ $code -ne 0 ] && grep -qE 'audit endpoint returned an error|405 Method Not Allowed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT' <<<"$out"; then
  echo "npm audit: the advisory endpoint is unreachable from here (not a clean result); see README, Dependencies"
  exit 0
fi
echo "$out"
exit $code
