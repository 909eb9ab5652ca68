"""`python -m tests.fakestripe` as its own process, driven over HTTP like a separate app would."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import stripe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standalone(webhook_receiver):
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakestripe", "--port", "0", "--webhook", webhook_receiver.url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The first line names the address: reading it waits until the server listens.
        api_base = process.stdout.readline().rsplit(" ", 1)[-1].strip()
        secret = process.stdout.readline().rsplit(" ", 1)[-1].strip()
        assert api_base.startswith("http://127.0.0.1:")
        yield process, api_base, secret
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_the_standalone_server_serves_the_library_and_delivers_webhooks(standalone, webhook_receiver):
    process, api_base, secret = standalone
    client = stripe.StripeClient("sk_test_standalone", base_addresses={"api": api_base})

    intent = client.v1.payment_intents.create(
        params={"amount": 990, "currency": "eur", "payment_method_types": ["card"], "payment_method": "pm_card_visa"}
    )
    client.v1.payment_intents.confirm(intent.id)

    received = webhook_receiver.wait_for(3)
    assert stripe.Webhook.construct_event(received[-1].body, received[-1].signature, secret).type == (
        "payment_intent.succeeded"
    )
    log = requests.get(f"{api_base}/_test/requests", timeout=5).json()["data"]
    assert [entry["path"] for entry in log] == ["/v1/payment_intents", f"/v1/payment_intents/{intent.id}/confirm"]
    assert "__FAKE_STRIPE_BASE__" in requests.get(f"{api_base}/_test/stripe.js", timeout=5).text

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_faults_and_reset_over_http(standalone):
    _, api_base, _ = standalone
    client = stripe.StripeClient("sk_test_standalone", base_addresses={"api": api_base}, max_network_retries=0)

    requests.post(f"{api_base}/_test/faults", data={"path_prefix": "/v1/payment_intents", "status": "503"}, timeout=5)
    with pytest.raises(stripe.APIError):
        client.v1.payment_intents.create(params={"amount": 990, "currency": "eur"})
    requests.post(f"{api_base}/_test/reset", timeout=5)

    assert requests.get(f"{api_base}/_test/requests", timeout=5).json()["data"] == []
    assert client.v1.payment_intents.create(params={"amount": 990, "currency": "eur"}).id.startswith("pi_")
