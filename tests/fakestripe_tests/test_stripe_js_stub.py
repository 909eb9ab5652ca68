"""The Stripe.js stub in Chromium: a tiny pay page, the Payment Element, confirmPayment, 3DS.

The page is served by a local http.server; js.stripe.com is answered by the stub and every
other non-loopback request is aborted, so the test proves the stub works offline.
"""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.fakestripe.browser import install_stripe_stub
from tests.fakestripe.fixtures import TEST_PUBLISHABLE_KEY

pytestmark = pytest.mark.browser

PAY_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pay for order 100001</title>
<script src="https://js.stripe.com/v3/"></script></head>
<body><main>
<h1>Pay for order 100001</h1>
<form id="payment-form">
  <div id="payment-element"></div>
  <button type="submit">Pay now</button>
  <p id="payment-message" role="alert"></p>
</form>
<script>
  const secret = new URLSearchParams(location.search).get("secret");
  const stripe = Stripe("__PUBLISHABLE_KEY__");
  const elements = stripe.elements({clientSecret: secret, appearance: {theme: "stripe"}});
  elements.create("payment").mount("#payment-element");
  document.getElementById("payment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const {error} = await stripe.confirmPayment({
      elements,
      confirmParams: {return_url: new URL("/done.html?order=100001", location.href).href},
      redirect: "always",
    });
    if (error) document.getElementById("payment-message").textContent = error.message;
  });
</script>
</main></body></html>
""".replace("__PUBLISHABLE_KEY__", TEST_PUBLISHABLE_KEY)

DONE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order status</title></head>
<body><main><h1>Order status</h1><p id="status"></p>
<script>
  document.getElementById("status").textContent =
    "Payment " + new URLSearchParams(location.search).get("redirect_status");
</script></main></body></html>
"""


@pytest.fixture(scope="module")
def shop_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop")
    (root / "pay.html").write_text(PAY_PAGE)
    (root / "done.html").write_text(DONE_PAGE)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def pay_page(context, page, shop_site, fake_stripe, stripe_client):
    """Open the pay page for a new PaymentIntent; returns (page, intent id)."""
    context.route(lambda url: not url.startswith(shop_site), lambda route: route.abort())
    install_stripe_stub(context, fake_stripe)  # after the block-all route, so it wins
    intent = stripe_client.v1.payment_intents.create(
        params={"amount": 4900, "currency": "eur", "metadata": {"order_number": "100001"}}
    )
    page.goto(f"{shop_site}/pay.html?secret={intent.client_secret}")
    return page, intent.id


def pay_with(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Pay now").click()


def test_a_good_card_pays_and_lands_on_return_url(pay_page, fake_stripe):
    page, intent_id = pay_page

    pay_with(page, "4242 4242 4242 4242")

    expect(page.locator("#status")).to_have_text("Payment succeeded")
    query = parse_qs(urlsplit(page.url).query)
    assert query["order"] == ["100001"]
    assert query["payment_intent"] == [intent_id]
    assert query["payment_intent_client_secret"][0].startswith(f"{intent_id}_secret_")
    assert fake_stripe.get(intent_id)["status"] == "succeeded"


def test_a_decline_shows_stripes_message_and_another_card_can_pay(pay_page, fake_stripe):
    page, intent_id = pay_page

    pay_with(page, "4000 0000 0000 0002")

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    assert fake_stripe.get(intent_id)["status"] == "requires_payment_method"

    pay_with(page, "4000 0000 0000 9995")
    expect(page.get_by_role("alert")).to_have_text("Your card has insufficient funds.")

    pay_with(page, "4242 4242 4242 4242")
    expect(page.locator("#status")).to_have_text("Payment succeeded")


@pytest.mark.parametrize(
    ("number", "button", "outcome", "status"),
    [
        ("4000 0025 0000 3155", "Complete", "Payment succeeded", "succeeded"),
        ("4000 0027 6000 3184", "Fail", "Payment failed", "requires_payment_method"),
    ],
)
def test_three_d_secure_challenge_then_return(pay_page, fake_stripe, number, button, outcome, status):
    page, intent_id = pay_page

    pay_with(page, number)
    expect(page).to_have_title("3D Secure test authentication")
    page.get_by_role("button", name=button).click()

    expect(page.locator("#status")).to_have_text(outcome)
    assert fake_stripe.get(intent_id)["status"] == status


def test_incomplete_details_are_caught_before_calling_stripe(pay_page, fake_stripe):
    page, intent_id = pay_page

    pay_with(page, "4242 4242")

    expect(page.get_by_role("alert")).to_have_text("Your card number is invalid.")
    assert fake_stripe.get(intent_id)["payment_method"] is None
    assert fake_stripe.event_types() == ["payment_intent.created"]
