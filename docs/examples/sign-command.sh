#!/bin/sh
# Sign an Anjungan district command (scheme anjungan-cmd-v2) with OpenSSL and print the request.
#
# Usage: sign-command.sh KEY.pem TOPIC ARGS_JSON
#   e.g. sign-command.sh district-command.key anjungan/1809102004/kiosk-01/cmd/out_of_service \
#          '{"on": true, "reason": "Sedang perbaikan"}' | mosquitto_pub -t "$2" -q 1 -s ...
#
# Needs OpenSSL >= 3.0 (pkeyutl -rawin for Ed25519) and jq. `jq -cjS` (sorted keys, compact, no
# trailing newline, UTF-8 as is) equals RFC 8785 for texts, integers, booleans and null, which is
# all a command carries.
set -eu
key=$1 topic=$2 args=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -n --argjson args "$args" \
  --arg time "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
  --arg nonce "$(openssl rand -hex 16)" \
  '{v: 1, time: $time, nonce: $nonce, args: $args}' > "$tmp/request.json"
printf 'anjungan-cmd-v2\n' > "$tmp/message"
jq -cjS --arg topic "$topic" '{topic: $topic, command: .}' "$tmp/request.json" >> "$tmp/message"
signature=$(openssl pkeyutl -sign -inkey "$key" -rawin -in "$tmp/message" | base64 -w0)
jq -c --arg sig "$signature" '. + {signature: $sig}' "$tmp/request.json"
