#!/usr/bin/env bash
# Runs the local server on http://localhost:5080 with the embedded store (data in
# src/CartOrders.Server/data/). The build installs and builds the web client itself.
#   ./run.sh            the embedded SQLite store
#   ./run.sh --cosmos   the Cosmos DB store, against a local Cosmos server started alongside
#                       (test and development infrastructure, tests/CartOrders.CosmosServer; its
#                       data in src/CartOrders.Server/data/cosmos, kept across restarts); see docs/cosmos.md
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" != "--cosmos" ]; then
  exec dotnet run --project src/CartOrders.Server -c Release "$@"
fi
shift

port="${COSMOS_PORT:-8081}"
echo "==> building the local Cosmos server"
dotnet build tests/CartOrders.CosmosServer/CartOrders.CosmosServer.csproj -c Release -nologo -v quiet
log="$(mktemp -t cartorders-cosmos.XXXXXX.log)"
data="src/CartOrders.Server/data/cosmos"
mkdir -p "$data"
dotnet tests/CartOrders.CosmosServer/bin/Release/net10.0/CartOrders.CosmosServer.dll --port "$port" --data-dir "$data" >"$log" 2>&1 &
cosmos=$!
stop_cosmos() {
  # SIGTERM, then SIGKILL if it has not stopped within 5 s (it holds nothing unwritten: it answers only after its journal is flushed).
  kill "$cosmos" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$cosmos" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$cosmos" 2>/dev/null || true
  rm -f "$log"
}
trap stop_cosmos EXIT

# It prints its connection string once it accepts requests.
connection=""
for _ in $(seq 1 300); do
  connection="$(sed -n 's/^Local Cosmos server listening: //p' "$log")"
  [ -n "$connection" ] && break
  kill -0 "$cosmos" 2>/dev/null || { cat "$log" >&2; echo "the local Cosmos server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$connection" ] || { cat "$log" >&2; echo "the local Cosmos server did not start in 30 s" >&2; exit 1; }
echo "==> local Cosmos server on http://127.0.0.1:$port/ (data in $data)"

export Store__Provider=Cosmos
export Cosmos__ConnectionString="$connection"
dotnet run --project src/CartOrders.Server -c Release "$@"
