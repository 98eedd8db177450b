#!/usr/bin/env bash
# Builds serasi, serves the embedded data on a free loopback port, runs the
# graphql-http server audits against it and stops the server. Exits non-zero
# when any audit fails or warns.
#
#   test/graphql-http-audit/run.sh            (needs go, node and npm)
#
# DATABASE_URL, when set, is passed on: the audit then runs over PostGIS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$here" && npm ci --no-audit --no-fund --silent)
(cd "$root" && go build -o "$work/serasi" ./cmd/serasi)

# Port 0: the kernel picks a free port; the server logs the address it got.
# --ephemeral: nothing written to a data directory (ignored with PostGIS).
"$work/serasi" serve --ephemeral --addr 127.0.0.1:0 2>"$work/serve.log" &
pid=$!
addr=""
for _ in $(seq 1 100); do
	addr="$(sed -n 's/.*"msg":"listening","addr":"\([^"]*\)".*/\1/p' "$work/serve.log")"
	[ -n "$addr" ] && curl -sf "http://$addr/readyz" >/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { echo "serasi did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

node "$here/audit.mjs" "http://$addr/graphql"
