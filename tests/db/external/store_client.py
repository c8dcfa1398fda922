#!/usr/bin/env python3
"""An external faultline client for the built-in store (faultline-store), in plain Python.

faultline starts one of these per client (--client-cmd "python3 store_client.py"), writes
one JSON request per line on its stdin and reads one JSON reply per line from its stdout
(docs/external-client.md). This client turns each op into the store's own JSON-lines TCP
protocol (db/builtin/README.md) and sorts the store's answer into ok / fail / info, as the
built-in client does (db/builtin/builtin_client.cc). Run by tests/e2e/external_client.sh.
"""
import json
import os
import select
import socket
import sys
import time

# Store errors that refuse this op while the node serves (anything else definite means the
# node could not serve at all: the reply then says "unavailable" and the worker backs off).
REFUSALS = {"cas-mismatch", "insufficient-funds", "not-found", "malformed", "unsupported"}


class NotSent(Exception):
    """The request never left this process: the op certainly did not happen."""


class Store:
    """One connection at a time to one store node, reopened when the target changes."""

    def __init__(self):
        self.sock, self.addr, self.buf, self.next_id = None, None, b"", 1

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock, self.buf = None, b""

    def call(self, addr, request, deadline):
        """The store's reply to `request`. Raises NotSent, or OSError/ValueError once sent."""
        # A connection the server closed (it was killed or restarted) reads as readable.
        if self.sock and (self.addr != addr or select.select([self.sock], [], [], 0)[0]):
            self.close()
        if not self.sock:
            host, port = addr.rsplit(":", 1)
            try:
                self.sock = socket.create_connection((host, int(port)), timeout=left(deadline))
            except OSError as e:
                raise NotSent(f"cannot connect to {addr}: {e}") from e
            self.addr = addr
        request = dict(request, id=self.next_id, timeout_ms=int(left(deadline) * 900))
        self.next_id += 1
        try:
            self.sock.settimeout(left(deadline))
            self.sock.sendall((json.dumps(request) + "\n").encode())
            while True:
                reply = json.loads(self.read_line(deadline))
                if reply.get("id") == request["id"]:  # skip late replies to earlier requests
                    return reply
        except (OSError, ValueError):
            self.close()  # a late reply must not answer the next request
            raise

    def read_line(self, deadline):
        while b"\n" not in self.buf:
            self.sock.settimeout(left(deadline))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("the store closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line


def left(deadline):
    return max(deadline - time.monotonic(), 0.001)


def account(i):
    return f"account:{i}"


class Client:
    def __init__(self):
        self.nodes = dict(e.split("=", 1) for e in os.environ["FAULTLINE_NODES"].split(",") if e)
        self.names = {addr: name for name, addr in self.nodes.items()}
        self.home = self.nodes.get(os.environ["FAULTLINE_NODE"])
        self.workload = os.environ.get("FAULTLINE_WORKLOAD", "register")
        test = {}
        if os.environ.get("FAULTLINE_TEST"):
            with open(os.environ["FAULTLINE_TEST"]) as f:
                test = json.load(f)
        workload = test.get("workload", {})  # the workload's options are under it
        self.accounts = workload.get("accounts", 5)
        self.allow_negative = workload.get("allow_negative", False)
        self.store = Store()

    def store_request(self, f, key, value):
        """The store request for a faultline op, or None if this workload has no such op."""
        w = self.workload
        if w == "register" and f == "read":
            return {"op": "read", "key": key}
        if w == "register" and f == "write":
            return {"op": "write", "key": key, "value": value}
        if w == "register" and f == "cas":
            return {"op": "cas", "key": key, "from": value[0], "to": value[1]}
        if w == "counter" and f == "add":
            return {"op": "add", "key": "counter", "delta": value}
        if w == "counter" and f == "read":
            return {"op": "read", "key": "counter"}
        if w == "bank" and f == "transfer":
            return {"op": "transfer", "from": account(value["from"]), "to": account(value["to"]),
                    "amount": value["amount"], "allow_negative": self.allow_negative}
        if w == "bank" and f == "read":
            return {"op": "read-accounts", "keys": [account(i) for i in range(self.accounts)]}
        if w == "bank" and f == "bank-init":
            return {"op": "bank-init", "balances": {account(k): v for k, v in value.items()}}
        return None

    def read_value(self, reply):
        if self.workload == "counter":
            return reply.get("value") or 0  # a counter nobody added to reads 0
        if self.workload == "bank":  # an absent account reads null: the checker calls it missing
            values = reply.get("values", {})
            return {str(i): values.get(account(i)) for i in range(self.accounts)}
        return reply.get("value")

    def handle(self, op):
        """The reply (without its id) to one faultline request."""
        deadline = time.monotonic() + op.get("timeout_ms", 1000) / 1000
        request = self.store_request(op["f"], op.get("key"), op.get("value"))
        if request is None:
            return {"type": "fail", "error": f"no op {op['f']} in the {self.workload} workload"}
        target = self.home
        try:
            reply = self.store.call(target, request, deadline)
            # "not primary" refused the op up front, so it is safe to retry once at the primary.
            primary = reply.get("primary_address")
            if reply.get("error") == "not-primary" and primary and primary != target:
                target = primary
                reply = self.store.call(target, request, deadline)
        except NotSent as e:
            return {"type": "fail", "error": str(e), "unavailable": True}
        except (OSError, ValueError) as e:
            return {"type": "info", "error": f"{type(e).__name__}: {e}"}
        out = {} if target == self.home else {"node": self.names.get(target, target)}
        if reply.get("ok"):
            value = self.read_value(reply) if op["f"] == "read" else None
            return dict(out, type="ok", value=value)
        error = f"{reply.get('error')}: {reply.get('message', '')}"
        if reply.get("definite"):
            return dict(out, type="fail", error=error, unavailable=reply.get("error") not in REFUSALS)
        return dict(out, type="info", error=error)


def send(reply):
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def main():
    client = Client()
    send({"type": "ready"})  # faultline hands us to a worker only after this line
    for line in sys.stdin:  # one request per line, until faultline closes our stdin
        op = json.loads(line)
        reply = client.handle(op)
        reply["id"] = op["id"]
        send(reply)


if __name__ == "__main__":
    main()
