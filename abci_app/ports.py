"""Finding free loopback ports for devnets, localnets, tests and benchmarks."""

from __future__ import annotations

import random
import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS reports free on `host` right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def ports_free(ips, ports) -> bool:
    """True when every port in `ports` can be bound on every address in `ips`."""
    for ip in ips:
        for port in ports:
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((ip, port))
                except OSError:
                    return False
    return True


def find_port_range(ips, width: int = 4, low: int = 20000, high: int = 30000, tries: int = 200) -> int | None:
    """A base port (multiple of 10, below the ephemeral range) with `width` free ports on all `ips`."""
    rng = random.Random()
    for _ in range(tries):
        base = rng.randrange(low, high, 10)
        if ports_free(ips, range(base, base + width)):
            return base
    return None
