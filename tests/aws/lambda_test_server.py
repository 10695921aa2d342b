#!/usr/bin/env python3
"""A scripted Lambda Invoke API server for tests/aws/lambda_client_test.cc.

Listens on 127.0.0.1 on a free port (HTTPS when ALLMA_TLS_CERT and ALLMA_TLS_KEY name PEM
files) and prints {"port": N} as its first stdout line; exits when
its stdin closes (so the test that started it always takes it down). The function name in
POST /2015-03-31/functions/<name>/invocations chooses the answer:

  echo            200, the request body back; X-Amz-Executed-Version; a log tail when asked
  inspect         200, JSON describing the request as received, with "signature_ok" from
                  botocore's SigV4Auth re-signing it with the secret in ALLMA_TEST_SECRET
  function-error  200 with X-Amz-Function-Error: Unhandled and a Lambda error document
  not-found       404 ResourceNotFoundException (x-amzn-ErrorType header and body)
  throttled       429 TooManyRequestsException (header and body)
  broken          500 with only a body "__type"
  bad-gateway     502 with an HTML body
  slow-<ms>       waits <ms> milliseconds, then echoes
  reset           reads the request and resets the connection without answering
  empty           200 with no body
  not-json        200 with a body that is not JSON
  big             200 with a 9 MiB body
  connections     200, {"connections": <distinct client connections seen so far>,
                  "requests": <requests seen so far, this one included>}
"""
import base64
import datetime
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEEN_PORTS = set()
LOCK = threading.Lock()
REQUEST_COUNT = [0]


def signature_ok(handler, body):
    try:
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        return "botocore missing"
    auth = handler.headers.get("Authorization", "")
    try:
        parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        key, date, region, service, _ = parts["Credential"].split("/")
        signed = parts["SignedHeaders"].split(";")
    except (ValueError, KeyError):
        return False
    url = "http://" + handler.headers["Host"] + handler.path
    request = AWSRequest(method=handler.command, url=url, data=body)
    for name in signed:
        for value in handler.headers.get_all(name, []):
            request.headers[name] = value
    stamp = datetime.datetime.strptime(handler.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: stamp
    token = handler.headers.get("X-Amz-Security-Token")
    creds = Credentials(key, os.environ.get("ALLMA_TEST_SECRET", ""), token)
    signer = botocore.auth.SigV4Auth(creds, service, region)
    signer.add_auth(request)
    return request.headers["Authorization"] == auth


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def answer(self, status, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "req-%d" % REQUEST_COUNT[0])
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        with LOCK:
            SEEN_PORTS.add(self.client_address[1])
            REQUEST_COUNT[0] += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        raw_path, _, query = self.path.partition("?")
        segments = raw_path.split("/")
        name = urllib.parse.unquote(segments[-2]) if len(segments) >= 2 else ""
        name = name.split(":")[-1] if name.startswith("arn") else name
        self.route(name, raw_path, query, body)

    def route(self, name, raw_path, query, body):
        if name == "echo":
            headers = {"X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/json"}
            if self.headers.get("X-Amz-Log-Type") == "Tail":
                log = "START RequestId: r\nhello from the log\nEND RequestId: r\n"
                headers["X-Amz-Log-Result"] = base64.b64encode(log.encode()).decode()
            self.answer(200, body, headers)
        elif name == "inspect":
            self.answer(200, json.dumps({
                "method": self.command, "path": raw_path, "query": query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_b64": base64.b64encode(body).decode(),
                "signature_ok": signature_ok(self, body),
                "connection": self.client_address[1]}))
        elif name == "function-error":
            self.answer(200, json.dumps({"errorType": "Boom", "errorMessage": "it broke",
                                         "trace": ["at line 1"]}),
                        {"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "3"})
        elif name == "not-found":
            self.answer(404, json.dumps({"Type": "User", "message": "Function not found: x"}),
                        {"x-amzn-ErrorType": "ResourceNotFoundException:http://internal/"})
        elif name == "throttled":
            self.answer(429, json.dumps({"Reason": "ReservedFunctionConcurrentInvocationLimit"
                                         "Exceeded", "Type": "User", "message": "Rate Exceeded."}),
                        {"x-amzn-ErrorType": "TooManyRequestsException"})
        elif name == "broken":
            self.answer(500, json.dumps({"__type": "com.amazonaws.lambda#ServiceException",
                                         "message": "internal failure"}))
        elif name == "bad-gateway":
            self.answer(502, "<html><body>bad gateway</body></html>")
        elif name.startswith("slow-"):
            time.sleep(int(name[5:]) / 1000.0)
            self.answer(200, body)
        elif name == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif name == "empty":
            self.answer(200)
        elif name == "not-json":
            self.answer(200, "this is not json {")
        elif name == "big":
            self.answer(200, b"x" * (9 * 1024 * 1024))
        elif name == "connections":
            with LOCK:
                count, requests = len(SEEN_PORTS), REQUEST_COUNT[0]
            self.answer(200, json.dumps({"connections": count, "requests": requests}))
        else:
            self.answer(404, json.dumps({"Type": "User", "message": "no script for " + name}),
                        {"x-amzn-ErrorType": "ResourceNotFoundException"})


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # many concurrent connections from one client


def main():
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if os.environ.get("ALLMA_TLS_CERT"):
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.environ["ALLMA_TLS_CERT"], os.environ["ALLMA_TLS_KEY"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    sys.stdin.read()  # returns at EOF: the test closed our stdin or died
    os._exit(0)


if __name__ == "__main__":
    main()
