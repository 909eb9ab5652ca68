"""What the PostgreSQL benchmark scripts share: progress on stderr, and a database of their own.

A module, not a benchmark: `make bench` runs benchmarks/*.py, and this folder is outside that glob."""

import sys
from urllib.parse import urlparse


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_database(url):
    """Create the benchmark database if it does not exist (PostgreSQL only)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
