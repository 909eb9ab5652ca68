"""Many attempts at once against one balance, as the redemption benchmarks race them.

A module, not a benchmark: `make bench` runs benchmarks/*.py, and this folder is outside that glob."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .postgres import log


def race(attempts, threads, attempt, refused, *, log_every=100):
    """Call `attempt(index)` for each index on `threads` threads, each with its own database
    connection; returns (the indices that were not refused, seconds taken)."""
    from django.db import connections

    held, lock = [], threading.Lock()

    def one(index):
        try:
            attempt(index)
            with lock:
                held.append(index)
        except refused:
            pass
        finally:
            if index % log_every == 0:
                log(f"  redemptions: {index}/{attempts}")

    def worker(indices):
        try:
            for index in indices:
                one(index)
        finally:
            connections.close_all()

    chunks = [list(range(i, attempts, threads)) for i in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, chunks))
    return held, time.perf_counter() - started
