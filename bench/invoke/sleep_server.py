#!/usr/bin/env python3
"""A trivial asynchronous Lambda Invoke API stand-in for the 10,000-in-flight benchmark.

Every POST is answered 200 with {"slept": S} after sleeping S seconds (--sleep, default 1) on
asyncio's event loop: no thread or process per request, so the client side alone is measured.
HTTP/1.1 with keep-alive; requests need a Content-Length (our client always sends one).

  sleep_server.py [--port P] [--sleep S]

Prints "http://127.0.0.1:PORT" once listening; on SIGTERM/SIGINT prints, to stderr, the number of
requests answered, the most connections open at once, the time from the first request received
to the last (so a slow sender shows), and the server's own CPU time; then exits 0.
"""
import argparse
import asyncio
import json
import resource
import signal
import sys
import time

served = 0
open_now = 0
open_peak = 0
arrivals = []  # monotonic time of the first and of the latest request received


async def read_request(reader):
    """Returns the request body, or None at end of stream. Raises ValueError on bad framing."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return await reader.readexactly(length) if length else b""


async def handle(reader, writer, sleep_s, answer):
    global served, open_now, open_peak
    open_now += 1
    open_peak = max(open_peak, open_now)
    try:
        while True:
            try:
                await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                return
            now = time.monotonic()
            arrivals[:] = [arrivals[0] if arrivals else now, now]
            await asyncio.sleep(sleep_s)
            writer.write(answer)
            await writer.drain()
            served += 1
    except ConnectionError:
        return
    finally:
        open_now -= 1
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sleep", type=float, default=1.0)
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    body = json.dumps({"slept": args.sleep}).encode()
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(body)).encode() + b"\r\nX-Amzn-RequestId: sleep\r\n\r\n" + body)

    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args.sleep, answer), "127.0.0.1", args.port, backlog=65535)
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    span = arrivals[-1] - arrivals[0] if arrivals else 0.0
    print(f"sleep_server: answered {served} requests, at most {open_peak} connections open, "
          f"requests received over {span:.3f} s, cpu user {usage.ru_utime:.2f} s "
          f"sys {usage.ru_stime:.2f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
