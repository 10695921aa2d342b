#!/usr/bin/env python3
"""A misbehaving Lambda Invoke endpoint for the fault tests.

Usage: fault_server.py PORT_FILE LOG_FILE MODE[,MODE...]

Listens on 127.0.0.1 (any free port, written to PORT_FILE once listening). The n-th request it
receives is answered by the n-th MODE (the last mode repeats):
  ok        200 with {"ok": true}
  reset     reads the whole request, then resets the connection (RST) without answering
  reset-mid sends the status line, headers and half of the body, then resets the connection
  truncate  announces Content-Length: 100, sends 10 bytes of it and closes the connection
  slow-S    sleeps S seconds, then answers as ok (if the client is still there)
  garbage   answers bytes that are not HTTP at all, then closes the connection
  html-500  500 Internal Server Error with an HTML body, as a proxy in front of Lambda might
  huge      200 with a JSON body of 9 MiB (over any Lambda response)
  headers   200, then header lines without end (7 MB of them) until the client leaves
Every request appends one JSON line to LOG_FILE: {"n", "path", "mode", "time", "attemptId"}
(the attemptId of the X-Amz-Client-Context header).
"""
import base64
import json
import os
import socket
import struct
import sys
import threading
import time

PORT_FILE, LOG_FILE, MODES = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
lock = threading.Lock()
count = 0


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    length, attempt_id = 0, None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "x-amz-client-context":
            context = json.loads(base64.b64decode(value.strip()))
            attempt_id = context.get("custom", {}).get("attemptId")
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return lines[0].split(" ")[1], attempt_id


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def answer_ok(conn):
    body = b'{"ok": true}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def garbage(conn):
    conn.sendall(b"\x00\xff\xfeNOT-HTTP \x01\x02 garbage\r\n\r\n" + bytes(range(256)))


def html_500(conn):
    body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def huge(conn):
    body = b'{"blob": "' + b"h" * (9 << 20) + b'"}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def endless_headers(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for i in range(60000):
        conn.sendall(b"X-Endless-" + str(i).encode() + b": " + b"v" * 100 + b"\r\n")


SPECIAL = {"garbage": garbage, "html-500": html_500, "huge": huge, "headers": endless_headers}


def serve(conn):
    global count
    while True:
        request = read_request(conn)
        if request is None:
            conn.close()
            return
        path, attempt_id = request
        with lock:
            mode = MODES[min(count, len(MODES) - 1)]
            count += 1
            with open(LOG_FILE, "a") as f:
                f.write(json.dumps({"n": count, "path": path, "mode": mode,
                                    "time": time.time(), "attemptId": attempt_id}) + "\n")
        if mode == "reset":
            return reset(conn)
        if mode == "reset-mid":
            body = b'{"ok": true, "padding": "' + b"p" * 4000 + b'"}'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" +
                         body[:len(body) // 2])
            time.sleep(0.1)
            return reset(conn)
        if mode == "truncate":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n" + b'{"ok": tru')
            conn.close()
            return
        if mode in SPECIAL:
            try:
                SPECIAL[mode](conn)
            except OSError:
                pass  # the client gave up, as it should
            conn.close()
            return
        if mode.startswith("slow-"):
            time.sleep(float(mode.split("-", 1)[1]))
        try:
            answer_ok(conn)
        except OSError:
            conn.close()
            return


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(64)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
while True:
    c, _ = server.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
