#!/usr/bin/env python3
"""Exits 0 once the faultline-store node at ADDRESS:PORT serves: it answers a status request
and knows its primary (it is the primary, or has heard from one). faultline runs this as the
`ready` command every 0.2 s after setup, start and resume, until it succeeds."""
import json
import socket
import sys

host, port = sys.argv[1].rsplit(":", 1)
try:
    with socket.create_connection((host, int(port)), timeout=1) as s:
        s.settimeout(1)
        s.sendall(b'{"id":1,"op":"status"}\n')
        line = s.makefile().readline()
except OSError as e:
    sys.exit(f"{sys.argv[1]}: {e}")
status = json.loads(line) if line else {}
if not status.get("ok") or not (status.get("role") == "primary" or status.get("primary")):
    sys.exit(f"{sys.argv[1]}: not serving yet: {line.strip()}")
