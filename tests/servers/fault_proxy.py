#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the S3 tests: sits on 127.0.0.1 in front of a real S3
server (tests/servers/start_s3rver.sh) and fails chosen requests the way S3 does under load.

    fault_proxy.py UPSTREAM_PORT RULE... [--log FILE]

prints "PORT PID" on stdout once it listens (on a free port), then serves until killed.
A RULE is KIND:FIRST:COUNT:ACTION[:TEXT]: the FIRST-th request of KIND (1-based) and the
COUNT-1 after it (COUNT "all": every one from FIRST on) get ACTION instead of the server's
answer; with TEXT, only requests whose path contains TEXT count.
  KIND    upload-part   PUT ...?partNumber=N&uploadId=... (a part of a multipart upload)
          ranged-get    GET with a Range header
          get, put, any every GET, every PUT, every request
  ACTION  503           503 SlowDown, as S3 asks a client to slow down
          500           500 InternalError
          reset         the connection is reset mid-request: for a GET after half of the
                        server's body was sent; for a PUT after half of the request body was read
Every request is logged to --log as "KIND-or-other METHOD PATH -> what happened" so a test can
count what was retried. Python 3 standard library only; traffic only to 127.0.0.1.
"""
import http.client
import http.server
import os
import socket
import struct
import sys
import threading

SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
             b'<Message>Please reduce your request rate.</Message></Error>')
INTERNAL = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>'
            b'<Message>We encountered an internal error. Please try again.</Message></Error>')


class Rule:
    def __init__(self, text):
        kind, first, count, action, *within = text.split(":", 4)
        self.kind, self.first, self.action = kind, int(first), action
        self.within = within[0] if within else ""
        self.count = None if count == "all" else int(count)
        self.seen = 0

    def hit(self, kinds, path):
        """Counts a request of one of `kinds`; whether this one is to fail."""
        if self.kind not in kinds or self.within not in path:
            return False
        self.seen += 1
        if self.seen < self.first:
            return False
        return self.count is None or self.seen < self.first + self.count


def kinds_of(method, path, headers):
    kinds = {"any", method.lower()}
    if method == "PUT" and "partNumber=" in path and "uploadId=" in path:
        kinds.add("upload-part")
    if method == "GET" and headers.get("Range"):
        kinds.add("ranged-get")
    return kinds


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    rules = []
    lock = threading.Lock()
    log_file = None
    upstream = 0

    def log_message(self, *args):  # the log below says what a test needs; no stderr noise
        pass

    def note(self, kinds, what):
        name = next((k for k in ("upload-part", "ranged-get") if k in kinds), "other")
        with Proxy.lock:
            if Proxy.log_file:
                with open(Proxy.log_file, "a") as f:
                    f.write(f"{name} {self.command} {self.path} -> {what}\n")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reset(self):
        # SO_LINGER 0 turns close() into a TCP RST: the client sees "connection reset".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def answer_error(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        kinds = kinds_of(self.command, self.path, self.headers)
        with Proxy.lock:
            hits = [r.action for r in Proxy.rules if r.hit(kinds, self.path)]  # every rule counts
            action = hits[0] if hits else None
        if action == "reset" and self.command != "GET":
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length // 2)
            self.note(kinds, "reset mid-upload")
            return self.reset()
        body = self.read_body()
        if action in ("503", "500"):
            self.note(kinds, action)
            return self.answer_error(int(action), SLOW_DOWN if action == "503" else INTERNAL)
        upstream = http.client.HTTPConnection("127.0.0.1", Proxy.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "transfer-encoding"}
        if self.command in ("PUT", "POST"):
            headers["Content-Length"] = str(len(body))
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        self.send_response_only(response.status, response.reason)
        head = self.command == "HEAD"  # its Content-Length is the object's, with no body
        for k, v in response.getheaders():
            if k.lower() not in ("transfer-encoding", "connection") and (
                    head or k.lower() != "content-length"):
                self.send_header(k, v)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if action == "reset":  # a ranged read cut in the middle of its body
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.note(kinds, "reset mid-download")
            return self.reset()
        self.wfile.write(data)
        self.note(kinds, str(response.status))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main(argv):
    args = list(argv[1:])
    if "--log" in args:
        i = args.index("--log")
        Proxy.log_file = args[i + 1]
        del args[i:i + 2]
    Proxy.upstream = int(args[0])
    Proxy.rules = [Rule(r) for r in args[1:]]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    print(f"{server.server_address[1]} {os.getpid()}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
