#!/usr/bin/env python3
"""The seed's language as the peer: Python's asyncio (standard library
streams) doing what conclab's configs do, against the same conclab server.
    asyncio_client.py PORT download   # seed-download: 100 x 1 MiB, 50 ms
    asyncio_client.py PORT c10k       # c10k: 10,000 connections x 10, 10 ms
Prints the wall time. Like conclab, it reads every byte of every response
(it does not check them: conclab's figure includes checking them)."""
import asyncio
import resource
import sys
import time


async def fetch(port, nbytes, delay_ms, rounds):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    req = (f"GET /?bytes={nbytes}&delay_us={delay_ms * 1000}&seed=1 HTTP/1.1\r\n"
           "Host: 127.0.0.1\r\n\r\n").encode()
    for _ in range(rounds):
        writer.write(req)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
    writer.close()
    await writer.wait_closed()


async def main(port, mode):
    if mode == "download":
        jobs = [fetch(port, 1 << 20, 50, 1) for _ in range(100)]
    else:
        jobs = [fetch(port, 128, 10, 10) for _ in range(10000)]
    await asyncio.gather(*jobs)


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    start = time.monotonic()
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
    print(f"asyncio {sys.argv[2]}: {time.monotonic() - start:.3f} s")
