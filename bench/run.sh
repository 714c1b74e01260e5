#!/usr/bin/env bash
# Measures CartOrders on this machine, side by side with Marten on PostgreSQL 15, and prints
# one markdown table. Usage: bench/run.sh [part] [options]   (default: all; see --help)
#   bench/run.sh                 every part, 15 s per load (about 6-7 minutes)
#   bench/run.sh store --quick   one part, small sizes, 3 s per load
#   bench/run.sh soak            the soak: 10 min of mixed load (--minutes M), docs/reliability.md
#   bench/run.sh cosmos          round trips and bytes per command on the Cosmos store (docs/cosmos.md)
#   bench/run.sh cpu --baseline REV   server CPU per command, this tree against commit REV (or a built DLL)
#   bench/run.sh calibrate       only the machine's calibration (disk sync rate, CPU score)
# The table is also written to bench/results/latest.md (the soak's to soak.md, cosmos's to cosmos.md); a full run
# (all, no --quick) also puts it into docs/performance.md between its bench:results markers.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
args=("$@")
if [ ${#args[@]} -eq 0 ] || [[ "${args[0]}" == --* ]]; then args=(all "${args[@]}"); fi

# PostgreSQL 15 for the peer (Marten). The package must not create and start a cluster of its
# own: the bench makes a throwaway one in a temp folder.
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$pg_bin/initdb" ] && [[ " ${args[*]} " =~ " "(all|store)" " ]]; then
  echo "==> installing postgresql-15 (the Marten comparison needs it)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $sudo mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null \
    || echo "    could not install postgresql-15; the table will say Marten was not measured"
fi

# --baseline REV: the server of another commit, built in a temp worktree that goes with the run.
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = "--baseline" ] && [ -n "${args[$((i + 1))]:-}" ] && [[ "${args[$((i + 1))]}" != *.dll ]]; then
    rev="${args[$((i + 1))]}"
    base_tree="$(mktemp -d -t cartorders-bench-baseline-XXXXXX)"
    trap 'git worktree remove --force "$base_tree" 2>/dev/null; rm -rf "$base_tree"' EXIT
    echo "==> building the baseline server at $rev in $base_tree"
    git worktree add --detach --quiet "$base_tree" "$rev"
    dotnet build "$base_tree/src/CartOrders.Server/CartOrders.Server.csproj" -c Release -nologo -v quiet -p:SkipWebBuild=true
    args[$((i + 1))]="$base_tree/src/CartOrders.Server/bin/Release/net10.0/CartOrders.Server.dll"
  fi
done

echo "==> building (Release)"
# The bench drives the server's API; the web client it also serves is not needed here.
dotnet build CartOrders.sln -c Release -nologo -v quiet -p:SkipWebBuild=true

mkdir -p bench/results
started=$(date +%s)
status=0
out=bench/results/latest.md
if [ "${args[0]}" = "soak" ]; then out=bench/results/soak.md; fi
if [ "${args[0]}" = "cosmos" ]; then out=bench/results/cosmos.md; fi
dotnet bench/CartOrders.Bench/bin/Release/net10.0/CartOrders.Bench.dll "${args[@]}" --out "$out" || status=$?
echo "bench took $(( $(date +%s) - started )) s"

if [ "${args[0]}" = "all" ] && [[ ! " ${args[*]} " =~ " --quick " ]] && [ -s bench/results/latest.md ]; then
  awk -v table=bench/results/latest.md '
    /<!-- bench:results:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- bench:results:end -->/ { skip = 0 }
    !skip { print }
  ' docs/performance.md > docs/performance.md.new && mv docs/performance.md.new docs/performance.md
  echo "==> docs/performance.md updated from bench/results/latest.md"
fi
exit $status
