#!/usr/bin/env bash
# The API's contract (issue 17): schemathesis over every operation of /api/v1, against a live
# server started here on a free port with a fresh data directory and a seeded world
# (scripts/schemathesis_world.py), once with the secretariat's token and once with a liaison's.
#
# Fails on any 5xx, any response that does not match its schema, any status code the operation
# does not declare, a content type it does not declare, or a schema-valid request refused with
# 422 (the schema promised more than the server takes). Business refusals (400: a deadline
# already past, minutes already issued…), 401/403/404/409/429 are answers, not failures.
#
# `make contract`; `.ci/run` after the tests. LIANXI_CONTRACT_EXAMPLES sets --max-examples per
# operation and phase (default 10: the whole run stays well under 5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
EXAMPLES="${LIANXI_CONTRACT_EXAMPLES:-10}"
SEED="${LIANXI_CONTRACT_SEED:-17}"

DATA="$(mktemp -d -t lianxi-contract.XXXXXX)"
REPORT="${LIANXI_CONTRACT_REPORT:-var/contract}"
mkdir -p "$REPORT"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

# A fresh SQLite database in the fresh data directory, whatever the caller's environment says.
unset DATABASE_URL
export LIANXI_DATA_DIR="$DATA" LIANXI_ENV=local DJANGO_SETTINGS_MODULE=config.settings
# Mail goes to files in the data directory (local mode's default), not to a server.
unset EMAIL_HOST
# No per-token rate limit here: at its default (600 a minute) most operations would be tested
# on 429s only. The 429 itself is declared on every operation (lianxi.api.contract).
export LIANXI_API_TOKEN_RATE=0

echo "== contract: seeding a world in $DATA"
TOKENS="$("$BIN/python" scripts/schemathesis_world.py 2>"$REPORT/seed.log")"
SECRETARIAT="$("$BIN/python" -c 'import json,sys; print(json.loads(sys.argv[1])["secretariat"])' "$TOKENS")"
LIAISON="$("$BIN/python" -c 'import json,sys; print(json.loads(sys.argv[1])["liaison"])' "$TOKENS")"

PORT="$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/python" -m gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers 2 --threads 4 --timeout 60 --limit-request-line 8190 --log-level warning >"$REPORT/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
fetch() {  # fetch URL FILE: the document, once the server answers
  "$BIN/python" -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], timeout=5).read())' "$1" "$2" 2>/dev/null
}
for _ in $(seq 1 60); do
  fetch "$BASE/api/v1/openapi.json" "$REPORT/openapi.json" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$REPORT/server.log"; echo "the server did not start"; exit 1; }
  sleep 0.5
done
fetch "$BASE/api/v1/openapi.json" "$REPORT/openapi.json"

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance
status=0
for who in secretariat liaison; do
  if [ "$who" = secretariat ]; then token="$SECRETARIAT"; else token="$LIAISON"; fi
  echo "== contract: schemathesis as the $who (max $EXAMPLES examples per operation)"
  started=$SECONDS
  "$BIN/schemathesis" --config-file scripts/schemathesis.toml run "$BASE/api/v1/openapi.json" \
    --url "$BASE" \
    -H "Authorization: Bearer $token" \
    --checks "$CHECKS" \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --workers 2 \
    --request-timeout 30 \
    --generation-database none \
    --no-color \
    --report junit --report-junit-path "$REPORT/junit-$who.xml" \
    || status=$?
  echo "== contract: the $who's run took $((SECONDS - started)) s"
done
if [ "$status" -ne 0 ]; then
  echo "== contract FAILED (see above; the server's log is $REPORT/server.log)"
  exit "$status"
fi
echo "== contract passed in ${SECONDS} s"
