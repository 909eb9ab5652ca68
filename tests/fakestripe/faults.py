"""Fault injection: answer the next N matching requests with an error, or answer them late.

Guarantees: a rule matches requests whose path starts with `path_prefix` (and whose method
matches, when given) and is used up after `times` matches; rules are tried in the order they
were added. An injected error happens *in front of* the endpoint, so nothing executes and
nothing is saved under the idempotency key, like a 503 from Stripe's load balancer. A timeout
either executes first and then holds the answer back (`after_commit=True`: the work is done
and saved but the client gives up, the case idempotency keys exist for) or holds the request
back before executing it. Sleeping rules wake early when the fake is reset or stopped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal


@dataclass
class Fault:
    path_prefix: str
    kind: Literal["error", "timeout"]
    remaining: int
    status: int = 503
    seconds: float = 0.0
    after_commit: bool = True
    method: str | None = None
    #: Sets `Stripe-Should-Retry`, which stripe-python obeys over its own status rules.
    should_retry: bool | None = None

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.path_prefix) and (self.method is None or self.method.upper() == method)


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._wake = threading.Event()

    def add(self, fault: Fault) -> Fault:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._rules.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first live rule for this request, counted as used once."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining > 0 and rule.matches(method, path):
                    rule.remaining -= 1
                    return rule
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [rule for rule in self._rules if rule.remaining > 0]

    def pause(self, seconds: float) -> None:
        """Hold a request back for `seconds`, or until the rules are cleared."""
        self._wake.wait(seconds)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            # Wake every request sleeping in pause(), then arm a fresh event for the next rules.
            self._wake.set()
            self._wake = threading.Event()
