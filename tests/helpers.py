"""Small helpers for tests that wait on other processes: poll a condition, never sleep blindly."""

import time


def wait_for(condition, *, timeout=30.0, interval=0.1, message="condition"):
    """Return the condition's first truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
