"""CPU of a bare py-libp2p stream (TCP + Noise + yamux), both ends in one process, on 127.0.0.1.

    python bench/bench_stream.py                    # our hosts: batched credit, Noise-sized writes
    python bench/bench_stream.py --whole-writes     # one write per message (py-libp2p's frames)
    PY_YAMUX_RELEASE_ON_READ=1 python bench/bench_stream.py   # py-libp2p's credit on every read

One host writes ``--count`` messages of ``--size`` bytes to the other over one stream; the
receiver reads them in pieces of up to 1 MiB. Reports wall and CPU milliseconds per message
(sender + receiver, ``getrusage`` of this process), median and minimum over ``--repeat`` runs.
Measures the transport patches ``large_sends`` (write sizes) and ``yamux_credit`` in isolation
from gossipsub. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import time

import multiaddr
import trio
from libp2p.abc import INetStream
from libp2p.custom_types import TProtocol
from libp2p.peer.peerinfo import info_from_p2p_addr

from eip8025_p2p.host import create_host
from eip8025_p2p.libp2p_patches import write_slices

PROTOCOL = TProtocol("/eip8025-bench/stream/1")
LOOPBACK = multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")
READ_PIECE = 1024 * 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_run(size: int, count: int, whole_writes: bool) -> tuple[float, float]:
    """(wall ms, CPU ms) per message after one warm-up message."""
    sender = create_host(hashlib.sha256(b"stream-a").digest(), LOOPBACK)
    receiver = create_host(hashlib.sha256(b"stream-b").digest(), LOOPBACK)
    total = (count + 1) * size
    warm, done = trio.Event(), trio.Event()

    async def handler(stream: INetStream) -> None:
        got = 0
        while got < total:
            got += len(await stream.read(min(READ_PIECE, total - got)))
            if got >= size:
                warm.set()
        done.set()

    receiver.set_stream_handler(PROTOCOL, handler)
    payload = os.urandom(size)
    async with sender.run([LOOPBACK]), receiver.run([LOOPBACK]):
        await sender.connect(info_from_p2p_addr(receiver.get_addrs()[0]))
        stream = await sender.new_stream(receiver.get_id(), [PROTOCOL])

        async def send() -> None:
            if whole_writes:
                await stream.write(payload)
            else:
                for piece in write_slices(payload):
                    await stream.write(piece)  # type: ignore[arg-type]  # bytes-like suffices

        await send()
        await warm.wait()
        wall, cpu = time.perf_counter(), cpu_seconds()
        for _ in range(count):
            await send()
        await done.wait()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        await sender.close()
        await receiver.close()
    return 1e3 * wall / count, 1e3 * cpu / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4 * 1024 * 1024, help="bytes per message")
    parser.add_argument("--count", type=int, default=40, help="messages per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs")
    parser.add_argument("--whole-writes", action="store_true", help="one write per message")
    args = parser.parse_args()
    credit = os.environ.get("PY_YAMUX_RELEASE_ON_READ", "0 (set by new_eth2_host)")
    runs = [trio.run(one_run, args.size, args.count, args.whole_writes) for _ in range(args.repeat)]
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"{args.size // 1024} KiB x {args.count}, {args.repeat} runs, "
        f"{'whole' if args.whole_writes else 'Noise-sized'} writes, "
        f"PY_YAMUX_RELEASE_ON_READ={credit}"
    )
    print(
        f"  per message: wall {statistics.median(walls):.1f} ms (min {min(walls):.1f}), "
        f"CPU {statistics.median(cpus):.1f} ms (min {min(cpus):.1f}), sender + receiver"
    )


if __name__ == "__main__":
    main()
