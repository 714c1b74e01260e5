#!/usr/bin/env bash
# Runs every test of CartOrders on a fresh Debian machine: installs what the tests need,
# builds, runs all test projects, and ends with one line "N passed, M failed, K skipped".
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing ${need_apt[*]} (browser tests)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

results=.test-results
rm -rf "$results"
mkdir -p "$results"

echo "==> building"
dotnet build CartOrders.sln -c Release -warnaserror -nologo -v quiet

echo "==> testing"
set +e
# Each test project writes $results/<project>.trx (tests/Directory.Build.props).
CARTORDERS_TEST_TRX=true dotnet test --solution CartOrders.sln -c Release --no-build \
  --results-directory "$PWD/$results" "$@"
status=$?
set -e

# The summary for CI: counted from the TRX files the test run wrote.
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$files" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # The run broke before it could report a failure of its own: count that as one.
  failed=$((failed + 1))
fi
if [ "$failed" -gt 0 ]; then
  # Name the failed tests, so the end of a CI log shows what broke.
  echo "==> failed tests"
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    grep -o '<UnitTestResult [^>]*>' "$trx" | grep -E 'outcome="(Failed|Error|Timeout|Aborted)"' \
      | grep -o 'testName="[^"]*"' | sed 's/^testName="/  /; s/"$//' || true
  done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
