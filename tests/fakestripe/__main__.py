"""Run the fake on its own: `python -m tests.fakestripe --port 12111 [--webhook URL --webhook-secret S]`.

For manual runs and for a Django live server in another process: point the app's
STRIPE_API_BASE at the printed address. Stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import FakeStripe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakestripe", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=12111, help="port (0 picks a free one; default 12111)")
    parser.add_argument("--webhook", help="deliver every event to this loopback URL")
    parser.add_argument("--webhook-secret", help="signing secret for --webhook (printed if made up)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    server = FakeStripe(args.host, args.port, verbose=args.verbose).start()
    # One line a parent process can read to learn the address (with --port 0).
    print(f"fake stripe listening on {server.api_base}", flush=True)  # noqa: T201
    if args.webhook:
        endpoint = server.add_webhook(args.webhook, args.webhook_secret)
        print(f"webhooks to {endpoint.url} signed with {endpoint.secret}", flush=True)  # noqa: T201

    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
