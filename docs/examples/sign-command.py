#!/usr/bin/env python3
"""Sign an Anjungan district command (scheme anjungan-cmd-v2) and print the request JSON.

Usage: sign-command.py KEY.pem TOPIC ARGS_JSON [REPLY_TO CORRELATION_ID]
  KEY.pem     the district's Ed25519 private key (PKCS#8 PEM, from `anjungan command keygen`)
  TOPIC       anjungan/<village>/<device>/cmd/<name>
  ARGS_JSON   e.g. '{"on": true, "reason": "Sedang perbaikan"}'

Publish the printed JSON on TOPIC (QoS 1). Needs python3-cryptography (Debian) or
`pip install cryptography`. The JSON below equals RFC 8785 (JCS) for texts, integers, booleans
and null, which is all a command carries; for fractional numbers use an RFC 8785 library
(e.g. `pip install rfc8785`).
"""
import base64
import json
import secrets
import sys
from datetime import datetime, timezone

from cryptography.hazmat.primitives.serialization import load_pem_private_key


def jcs(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main() -> None:
    key_file, topic, args_json = sys.argv[1:4]
    with open(key_file, "rb") as f:
        key = load_pem_private_key(f.read(), password=None)
    now = datetime.now(timezone.utc)
    request = {
        "v": 1,
        "time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "nonce": secrets.token_hex(16),
        "args": json.loads(args_json),
    }
    if len(sys.argv) > 5:
        request["reply_to"], request["correlation_id"] = sys.argv[4], sys.argv[5]
    message = b"anjungan-cmd-v2\n" + jcs({"topic": topic, "command": request})
    request["signature"] = base64.b64encode(key.sign(message)).decode("ascii")
    print(json.dumps(request, ensure_ascii=False))


if __name__ == "__main__":
    main()
