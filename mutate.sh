#!/usr/bin/env bash
# Mutation testing with Stryker.NET (pinned in .config/dotnet-tools.json); not part of ./test.sh.
#   ./mutate.sh                        every project: domain application api sqlite cosmos
#   ./mutate.sh domain                 one project (or several: ./mutate.sh domain application)
#   ./mutate.sh api -- --since:main    extra Stryker options after "--" (--since, -m '**/X.cs', -c 1)
# Each project's configuration is mutation/<project>.json; its HTML and JSON reports go to
# .mutation/<project>/reports/ (git-ignored). Progress shows while it runs (a bar on a terminal, one
# character per mutant otherwise, e.g. in CI or a log); the score table per file at the end.
set -euo pipefail
cd "$(dirname "$0")"

all=(domain application api sqlite cosmos)
projects=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  if [ ! -f "mutation/$1.json" ]; then
    echo "unknown project '$1' (known: ${all[*]})" >&2
    exit 2
  fi
  projects+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
[ ${#projects[@]} -gt 0 ] || projects=("${all[@]}")

dotnet tool restore >/dev/null

reporters=()
if [ ! -t 1 ]; then
  # Stryker's progress bar draws only on a terminal.
  reporters=(--reporter dots --reporter cleartext --reporter html --reporter json)
fi

status=0
for project in "${projects[@]}"; do
  echo "==> mutating $project"
  rm -rf ".mutation/$project"
  # Stryker runs from mutation/: at the root it would see the solution and ignore test-projects.
  (cd mutation && dotnet stryker --config-file "$project.json" --output "../.mutation/$project" \
    --skip-version-check ${reporters[@]+"${reporters[@]}"} "$@") || status=$?
  echo "==> $project report: .mutation/$project/reports/mutation-report.html"
done
exit "$status"
