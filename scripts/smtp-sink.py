#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) that keeps every message it accepts.

Each accepted message is written to DIR as NNNNNN.eml (the bytes received) and NNNNNN.json: the
envelope plus what Python's standard email parser reads from the message (decoded subject,
headers, text and HTML parts, MIME defects). Used by agora's tests, by scripts/run-node.sh as a
local mail sink, and for manual checks.

  smtp-sink.py --port 2525 --dir var/mail [--reject a@example.com] [--tls-cert C --tls-key K
               [--require-tls]] [--auth user:password] [--pid-file F]
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = {a.lower() for a in reject}
        self.lock = threading.Lock()
        existing = [f for f in os.listdir(directory) if f.endswith(".json")]
        self.seq = len(existing)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(getattr(session, "authenticated", False)),
            "received_at": time.time(),
            "subject": str(msg.get("subject", "")),
            "from": str(msg.get("from", "")),
            "to": str(msg.get("to", "")),
            "date": str(msg.get("date", "")),
            "message_id": str(msg.get("message-id", "")),
            "content_type": msg.get_content_type(),
            "headers": {k: str(v) for k, v in msg.items()},
            "defects": [repr(d) for d in msg.defects],
            "text": "",
            "html": "",
        }
        for part in msg.walk():
            record["defects"] += [repr(d) for d in part.defects]
        for kind in ("plain", "html"):
            body = msg.get_body(preferencelist=(kind,))
            if body is not None and body.get_content_type() == "text/" + kind:
                record["text" if kind == "plain" else "html"] = body.get_content()
        with self.lock:
            self.seq += 1
            base = os.path.join(self.directory, "%06d" % self.seq)
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        with open(base + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(base + ".tmp", base + ".json")  # readers see whole files only
        return "250 2.0.0 Message accepted"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--reject", action="append", default=[], help="answer 550 for this address")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth", help="user:password that AUTH must present")
    p.add_argument("--pid-file")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    params = {}
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        params["tls_context"] = ctx
        params["require_starttls"] = args.require_tls
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok)

        params["authenticator"] = authenticator
        params["auth_required"] = True
        params["auth_require_tls"] = bool(args.tls_cert)

    controller = Controller(Sink(args.dir, args.reject), hostname=args.host, port=args.port,
                            **params)
    controller.start()
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write(str(os.getpid()))
    print("smtp-sink ready on %s:%d" % (args.host, args.port), file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
