"""The production profile passes Django's deploy check and goes further than it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from oscar.core.loading import get_class, get_model

from tests.factories import PASSWORD, CustomerFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x9!k2-" + "q7Lm3Vz8Rt5Wy1Np4Bc6Hd0Jf" * 2,
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://atelier@127.0.0.1:5432/atelier",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp://mail.example.com:587",
    "STRIPE_SECRET_KEY": "sk_test_placeholder",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
    "TRUSTED_PROXY_COUNT": "1",
}


def _run(args, env_overrides=None, without=()):
    # A clean slate: nothing from this test run (settings module, async flag) leaks in.
    leaked = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in leaked}
    env.update(PRODUCTION_ENV)
    env.update(env_overrides or {})
    for key in without:
        del env[key]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_in_the_production_profile():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(["manage.py", "check"], {"SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_number_of_trusted_proxies():
    result = _run(["manage.py", "check"], without=["TRUSTED_PROXY_COUNT"])

    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


SETTINGS_PROBE = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
         "OSCAR_BASKET_COOKIE_SECURE", "OSCAR_RECENTLY_VIEWED_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
         "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "AXES_FAILURE_LIMIT"]
out = {name: getattr(settings, name) for name in names}
out["storage"] = settings.STORAGES["staticfiles"]["BACKEND"]
out["csp"] = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
out["csp"]["script-src"] = [str(source) for source in out["csp"]["script-src"]]
out["middleware"] = settings.MIDDLEWARE
print(json.dumps(out))
"""


def test_production_goes_further_than_check_deploy():
    result = _run(["-c", SETTINGS_PROBE])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"]
    # Oscar's own cookies, which `check --deploy` does not look at.
    assert values["OSCAR_BASKET_COOKIE_SECURE"]
    assert values["OSCAR_RECENTLY_VIEWED_COOKIE_SECURE"]
    assert values["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["middleware"]
    assert "axes.middleware.AxesMiddleware" in values["middleware"]
    assert values["AXES_FAILURE_LIMIT"] == 5
    csp = values["csp"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["script-src"][-1] == "https://js.stripe.com"
    assert csp["object-src"] == ["'none'"]
    assert csp["upgrade-insecure-requests"] is True


@pytest.mark.django_db
def test_oscar_basket_cookie_is_secure_and_http_only_when_configured(client, settings):
    settings.OSCAR_BASKET_COOKIE_SECURE = True
    product = get_model("catalogue", "Product").objects.get(upc="ATL-FILTER")

    response = client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    cookie = response.cookies[settings.OSCAR_BASKET_COOKIE_OPEN]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True


@pytest.mark.django_db
def test_storefront_scripts_need_the_request_nonce(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "'unsafe-inline'" not in script_src
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "frame-ancestors 'self'" in policy


@pytest.mark.django_db
def test_staff_tools_get_inline_scripts_without_a_nonce(login):
    response = login("admin@atelier.example").get("/dashboard/")

    script_src = re.search(r"script-src ([^;]+)", response["Content-Security-Policy"]).group(1)
    assert "'unsafe-inline'" in script_src
    assert "nonce-" not in script_src


@pytest.mark.django_db
def test_the_site_loads_no_script_from_a_cdn(client):
    html = client.get("/").content.decode()

    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources)


def _sign_in(client, email, password, **headers):
    return client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": password, "login_submit": "1"},
        headers=headers,
    )


@pytest.mark.django_db
def test_behind_a_proxy_a_lockout_holds_the_client_not_everyone_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = CustomerFactory().email
    through_proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        _sign_in(through_proxy, email, "wrong-password", x_forwarded_for="198.51.100.7")

    locked = _sign_in(through_proxy, email, PASSWORD, x_forwarded_for="6.6.6.6, 198.51.100.7")
    elsewhere = _sign_in(Client(REMOTE_ADDR="10.0.0.2"), email, PASSWORD, x_forwarded_for="198.51.100.8")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_without_trusted_proxies_a_forwarded_header_does_not_escape_a_lockout(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    email = CustomerFactory().email
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(5):
        _sign_in(client, email, "wrong-password", x_forwarded_for=f"203.0.113.{number}")

    response = _sign_in(client, email, PASSWORD, x_forwarded_for="203.0.113.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def _a_shoppers_visit(client):
    """Every Set-Cookie of a visit: the home page, two product pages, two basket adds, signing
    in (which merges the anonymous basket) and signing out."""
    product = get_model("catalogue", "Product").objects
    accessory = product.get(upc="ATL-FILTER")
    customer = CustomerFactory()
    responses = [
        client.get("/"),
        client.get(accessory.get_absolute_url()),
        client.get(product.get(upc="ATL-FRIDGE").get_absolute_url()),
        client.post(f"/basket/add/{accessory.pk}/", {"quantity": 1}),
        client.post("/configure/atelier-fridge/", {"action": "basket", "hinge": "left"}),
        client.get("/basket/"),
        client.get("/accounts/login/"),
        _sign_in(client, customer.email, PASSWORD),
        client.get("/accounts/"),
        client.post("/accounts/logout/"),
    ]
    assert [response.status_code for response in responses] == [200, 200, 200, 302, 302, 200, 200, 302, 200, 302]
    return [morsel for response in responses for morsel in response.cookies.values()]


def _deleted(morsel):
    return morsel["max-age"] == 0


SITE_COOKIES = {"csrftoken", "messages", "oscar_history", "oscar_open_basket", "sessionid"}


@pytest.mark.django_db
def test_every_cookie_the_storefront_sets_or_deletes_is_same_site_lax(client):
    cookies = _a_shoppers_visit(client)

    assert {morsel.key for morsel in cookies} == SITE_COOKIES
    assert {(morsel.key, morsel["samesite"]) for morsel in cookies} == {(name, "Lax") for name in SITE_COOKIES}
    # only the CSRF cookie is for scripts (Wagtail's admin and API clients send it back)
    assert {morsel.key for morsel in cookies if not _deleted(morsel) and not morsel["httponly"]} == {"csrftoken"}
    # signing in took the anonymous basket over; signing out forgot the recently viewed products
    assert {morsel.key for morsel in cookies if _deleted(morsel)} >= {"oscar_open_basket", "oscar_history"}


PRODUCTION_COOKIES_PROBE = """
import json, django
from django.conf import settings
django.setup()
from oscar.core.loading import get_class
history = get_class("customer.history", "CustomerHistoryManager")
names = [name for name in dir(settings) if "COOKIE" in name]
print(json.dumps({"settings": {name: getattr(settings, name) for name in names}, "history": history.cookie_kwargs}))
"""


@pytest.mark.django_db
def test_in_the_production_profile_every_cookie_is_also_secure(client, monkeypatch):
    result = _run(["-c", PRODUCTION_COOKIES_PROBE])
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout.strip().splitlines()[-1])
    # Oscar reads the recently-viewed cookie's settings once, when the process starts.
    history = get_class("customer.history", "CustomerHistoryManager")
    monkeypatch.setattr(history, "cookie_kwargs", production["history"])

    with override_settings(**production["settings"]):
        cookies = _a_shoppers_visit(client)

    assert {morsel.key for morsel in cookies} == SITE_COOKIES
    set_cookies = [morsel for morsel in cookies if not _deleted(morsel)]
    assert {morsel.key for morsel in set_cookies} == SITE_COOKIES
    assert {(morsel.key, morsel["secure"], morsel["samesite"]) for morsel in set_cookies} == {
        (name, True, "Lax") for name in SITE_COOKIES
    }
    assert {morsel.key for morsel in set_cookies if not morsel["httponly"]} == {"csrftoken"}


@pytest.mark.django_db
def test_a_rejected_webhook_is_logged_with_the_client_address_not_the_proxys(settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    through_proxy = Client(REMOTE_ADDR="10.0.0.2")

    with caplog.at_level("WARNING", logger="portal.payments.webhooks"):
        response = through_proxy.post(
            "/stripe/webhook/",
            "{}",
            content_type="application/json",
            headers={"Stripe-Signature": "t=1,v1=forged", "X-Forwarded-For": "6.6.6.6, 198.51.100.7"},
        )

    assert response.status_code == 400
    logged = [record.getMessage() for record in caplog.records if record.name == "portal.payments.webhooks"]
    assert [message.split(":")[0] for message in logged] == ["Rejected Stripe webhook from 198.51.100.7"]
