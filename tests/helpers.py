"""Small helpers for tests that wait on other processes or race threads: poll a condition, never sleep blindly."""

import threading
import time

from django.db import DatabaseError, connections, transaction


def wait_for(condition, *, timeout=30.0, interval=0.1, message="condition"):
    """Return the condition's first truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")


def at_once(action, arguments):
    """Call `action(argument)` for each argument in its own thread, all released together.

    Returns what each call returned or raised, in the order of `arguments`. Each thread closes
    its database connections, which Django opens per thread.
    """
    ready = threading.Barrier(len(arguments))
    outcomes = [None] * len(arguments)

    def run(index, argument):
        try:
            ready.wait()
            outcomes[index] = action(argument)
        except Exception as error:  # noqa: BLE001 -- the caller asserts on what each call hit
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def lockable_elsewhere(model, pk):
    """Whether another connection could lock the row now ("free") or must wait ("locked").

    Asked from a thread of its own without waiting, as a webhook or a refund arriving at that
    moment would ask: a slow call (a PDF, an e-mail, Stripe) must never hold the row meanwhile.
    """
    answer = []

    def take():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
            answer.append("free")
        except DatabaseError:
            answer.append("locked")
        finally:
            connections.close_all()

    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return answer[0]


def access_answer(response):
    """A response in the words of the access tables: ok, forbidden, login, or what else came back."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "login" in response["Location"]:
        return "login"
    return f"unexpected {response.status_code} {response.get('Location', '')}".rstrip()
