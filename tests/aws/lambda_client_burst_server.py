#!/usr/bin/env python3
"""An asyncio Lambda Invoke API server for the many-calls-at-once tests of lambda_client_test.cc.

One event loop, no thread per connection, so hundreds of requests can be held at once. Listens
on 127.0.0.1 on a free port, prints {"port": N} as its first stdout line, and exits when its
stdin closes. The function name in POST /2015-03-31/functions/<name>/invocations chooses the
answer:

  hold-<ms>    holds the request <ms> milliseconds, then answers 200 with the request body; a
               client that closes the connection meanwhile ends the hold (and is not answered)
  close        answers 200 with the request body and "Connection: close", then closes
  connection   200, {"port": <the client's port of this connection>}
  stats        200, {"held_peak": <most requests held at once since the last stats call>,
               "answered": <requests answered so far>}; resets held_peak to the number held now
"""
import asyncio
import json
import os
import re
import sys
import threading

STATE = {"held": 0, "held_peak": 0, "answered": 0}
PATH = re.compile(rb"^POST /2015-03-31/functions/([^/]+)/invocations")


def response(body, close=False):
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nx-amzn-RequestId: burst\r\n")
    if close:
        head += b"Connection: close\r\n"
    return head + b"\r\n" + body


async def read_request(reader):
    """Returns (function name, body). Raises IncompleteReadError at end of stream."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = PATH.match(lines[0])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return (match.group(1).decode() if match else ""), body


async def hold(reader, seconds):
    """Waits `seconds`; returns False early when the client closes (or sends more: our client
    never pipelines, so that is an error too)."""
    STATE["held"] += 1
    STATE["held_peak"] = max(STATE["held_peak"], STATE["held"])
    more = asyncio.ensure_future(reader.read(1))
    try:
        done, _ = await asyncio.wait({more}, timeout=seconds)
        return not done
    finally:
        more.cancel()
        await asyncio.gather(more, return_exceptions=True)  # the reader is free again after it
        STATE["held"] -= 1


async def answer(reader, writer, name, body):
    """Returns (bytes to send, whether to close afterwards); None to close without answering."""
    if name.startswith("hold-"):
        if not await hold(reader, int(name[5:]) / 1000.0):
            return None, True
        return response(body), False
    if name == "close":
        return response(body, close=True), True
    if name == "connection":
        port = writer.get_extra_info("peername")[1]
        return response(json.dumps({"port": port}).encode()), False
    if name == "stats":
        stats = {"held_peak": STATE["held_peak"], "answered": STATE["answered"]}
        STATE["held_peak"] = STATE["held"]
        return response(json.dumps(stats).encode()), False
    return response(json.dumps({"error": "no script for " + name}).encode()), False


async def handle(reader, writer):
    try:
        while True:
            name, body = await read_request(reader)
            data, close = await answer(reader, writer, name, body)
            if data is None:
                return
            writer.write(data)
            await writer.drain()
            STATE["answered"] += 1
            if close:
                return
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        return
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    await asyncio.Event().wait()


def exit_when_stdin_closes():
    sys.stdin.read()  # returns at EOF: the test closed our stdin or died
    os._exit(0)


if __name__ == "__main__":
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    asyncio.run(main())
