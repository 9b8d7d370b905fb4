#!/usr/bin/env python3
"""A slowloris against a running `briefing serve`, with normal probes beside it.

    target/release/briefing --root . serve --port 0     # prints "serving at URL"
    scripts/slowloris.py http://127.0.0.1:PORT/ [--slow 300] [--every 2] [--probes 200] [--gap 0]

`--slow` connections each send `GET / HTTP/1.1` and then one header byte every
`--every` seconds, never finishing the head; one the server closes is opened
again after a second (the attacker keeps up the pressure). Once they are all
open, `--probes` normal clients, one after another (`--gap` seconds apart), each open a connection, ask
for `/` with `Connection: close` and read the answer to its end (10 s at most).

Prints the fraction of probes answered 200, the others by what they got, the
probe latency (median, p99, max) and how often the server closed a slow
connection. Loopback only: the target must be an address on this machine.
"""

import argparse
import asyncio
import ipaddress
import socket
import statistics
import sys
import time
import urllib.parse

PROBE_TIMEOUT = 10.0


async def slow_client(host, port, every, stop, counts):
    """One slowloris connection, opened again whenever the server closes it."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            counts["connect_failed"] += 1
            await asyncio.sleep(1)
            continue
        counts["opened"] += 1
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
            await writer.drain()
            eof = asyncio.ensure_future(reader.read(1))
            while not stop.is_set():
                done, _ = await asyncio.wait({eof}, timeout=every)
                if done:
                    break  # the server answered (503) or closed
                writer.write(b"X")
                await writer.drain()
            if eof.done() and not stop.is_set():
                counts["closed_by_server"] += 1
            eof.cancel()
        except (OSError, asyncio.IncompleteReadError):
            if not stop.is_set():
                counts["closed_by_server"] += 1
        finally:
            writer.close()
        if not stop.is_set():
            await asyncio.sleep(1)


async def probe(host, port):
    """One normal request; its status (or what went wrong) and its latency."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), PROBE_TIMEOUT
        )
        try:
            writer.write(
                f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            data = await asyncio.wait_for(reader.read(-1), PROBE_TIMEOUT)
        finally:
            writer.close()
    except asyncio.TimeoutError:
        return "timeout", time.perf_counter() - start
    except OSError as e:
        return type(e).__name__, time.perf_counter() - start
    elapsed = time.perf_counter() - start
    if not data:
        return "closed", elapsed
    status = data.split(b" ", 2)[1].decode(errors="replace")
    return status, elapsed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--slow", type=int, default=300)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.0,
                        help="seconds between two probes (0: back to back)")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port
    if not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
        sys.exit(f"{host} is not a loopback address: this tool only targets this machine")

    stop = asyncio.Event()
    counts = {"opened": 0, "closed_by_server": 0, "connect_failed": 0}
    slow = [
        asyncio.ensure_future(slow_client(host, port, args.every, stop, counts))
        for _ in range(args.slow)
    ]
    while counts["opened"] < args.slow:
        await asyncio.sleep(0.05)
    await asyncio.sleep(args.every)  # every slow connection has trickled once

    results = []
    started = time.perf_counter()
    for _ in range(args.probes):
        results.append(await probe(host, port))
        if args.gap:
            await asyncio.sleep(args.gap)
    took = time.perf_counter() - started

    stop.set()
    await asyncio.gather(*slow, return_exceptions=True)

    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [t * 1000 for _, t in results]
    ok = statuses.get("200", 0)
    print(f"probes: {len(results)} in {took:.1f} s; answered 200: {ok}/{len(results)} "
          f"({100 * ok / len(results):.1f}%)")
    print("by status:", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"latency ms: median {statistics.median(latencies):.2f}, "
          f"p99 {percentile(latencies, 99):.2f}, max {max(latencies):.2f}")
    print(f"slow connections: {counts['opened']} opened, "
          f"{counts['closed_by_server']} closed by the server, "
          f"{counts['connect_failed']} failed to connect")


if __name__ == "__main__":
    asyncio.run(main())
