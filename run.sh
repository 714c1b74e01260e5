#!/usr/bin/env bash
# Runs the local server on http://localhost:5080 with the embedded store (data in
# src/CartOrders.Server/data/). The build installs and builds the web client itself.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project src/CartOrders.Server -c Release "$@"
