#!/usr/bin/env python3
"""token_server.py: a small OAuth 2.0 authorization server for the tests.

    token_server.py DIR CERT KEY

Listens with HTTPS on 127.0.0.1 (a free port, written to DIR/port once it
accepts connections) and serves:

  POST /token        RFC 6749: grant_type=refresh_token (section 6) and
                     client_credentials (4.4); the client authenticates
                     with client_id and client_secret in the body or with
                     HTTP Basic (2.3.1).  Issues short random access
                     tokens; with "rotate" it also issues a new refresh
                     token and the old one stops working, as Microsoft's
                     endpoint does.
  POST /introspect   RFC 7662 for Dovecot's oauth2 passdb
                     (introspection_mode = post): {"active": true,
                     "username": ...} for a live token, {"active": false}
                     for an unknown, expired or used-up one.
  POST /expire       makes every access token issued so far expire now
                     (what happens to a cached token when its lifetime
                     ends).

DIR/settings.json is read on every request, so a test changes the server's
behaviour between runs without restarting it:

  client_id, client_secret, user      who may ask, and for whom
  refresh_token                       the refresh token first accepted
  expires_in                          seconds an access token lives
  rotate                              issue a new refresh token each time
  max_uses                            validations per access token (0: any)

DIR/counts.json counts what was asked (no secret in it); every token
issued is appended to DIR/issued, one a line, so that a test can look for
them in everything else it wrote.  Nothing is ever logged.
"""

import base64
import json
import os
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "refresh": set(),   # refresh tokens that work now
    "retired": set(),   # refresh tokens rotated away
    "access": {},       # access token -> [user, expiry, uses]
    "counts": {
        "refresh_token": 0, "client_credentials": 0, "refused": 0,
        "introspect_ok": 0, "introspect_refused": 0, "expire": 0,
    },
}


def settings(d):
    with open(os.path.join(d, "settings.json")) as f:
        return json.load(f)


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Handler(BaseHTTPRequestHandler):
    server_version = "token-server"

    def log_message(self, fmt, *args):
        pass        # a request line could carry a token

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def form(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n).decode()
        return {k: v[0] for k, v in urllib.parse.parse_qs(
            raw, keep_blank_values=True).items()}

    def client(self, f):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
            return (urllib.parse.unquote_plus(cid),
                    urllib.parse.unquote_plus(sec))
        return f.get("client_id"), f.get("client_secret")

    def do_POST(self):
        d = self.server.dir
        s = settings(d)
        f = self.form()
        with LOCK:
            code, obj = self.route(s, f)
            write_atomic(os.path.join(d, "counts.json"),
                         json.dumps(STATE["counts"], sort_keys=True))
        self.reply(code, obj)

    def route(self, s, f):
        counts = STATE["counts"]
        if self.path == "/introspect":
            a = STATE["access"].get(f.get("token", ""))
            if a is None or a[1] <= time.time() or \
                    (s.get("max_uses") and a[2] >= s["max_uses"]):
                counts["introspect_refused"] += 1
                return 200, {"active": False}
            a[2] += 1
            counts["introspect_ok"] += 1
            return 200, {"active": True, "username": a[0], "scope": "mail"}
        if self.path == "/expire":
            for a in STATE["access"].values():
                a[1] = 0
            counts["expire"] += 1
            return 200, {}
        if self.path != "/token":
            return 404, {"error": "not_found"}
        cid, sec = self.client(f)
        if cid != s["client_id"] or sec != s.get("client_secret"):
            counts["refused"] += 1
            return 401, {"error": "invalid_client",
                         "error_description": "client authentication failed"}
        grant = f.get("grant_type")
        out = {"token_type": "Bearer", "expires_in": s["expires_in"]}
        if grant == "refresh_token":
            if not STATE["refresh"]:
                STATE["refresh"].add(s["refresh_token"])
            rt = f.get("refresh_token", "")
            if rt not in STATE["refresh"]:
                counts["refused"] += 1
                why = "refresh token rotated away" \
                    if rt in STATE["retired"] else "unknown refresh token"
                return 400, {"error": "invalid_grant",
                             "error_description": why}
            if s.get("rotate"):
                STATE["refresh"].discard(rt)
                STATE["retired"].add(rt)
                new = "rt-" + secrets.token_urlsafe(24)
                STATE["refresh"].add(new)
                out["refresh_token"] = new
        elif grant == "client_credentials":
            pass
        else:
            counts["refused"] += 1
            return 400, {"error": "unsupported_grant_type"}
        counts[grant] += 1
        at = "at-" + secrets.token_urlsafe(24)
        STATE["access"][at] = [s["user"], time.time() + s["expires_in"], 0]
        out["access_token"] = at
        with open(os.path.join(self.server.dir, "issued"), "a") as f:
            f.write(at + "\n")
            if "refresh_token" in out:
                f.write(out["refresh_token"] + "\n")
        return 200, out


def main():
    d, cert, key = sys.argv[1:4]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.dir = d
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    write_atomic(os.path.join(d, "port"), str(srv.server_address[1]))
    srv.serve_forever()


if __name__ == "__main__":
    main()
