"""The points page, the staff dashboard (access, adjustments, campaigns, charts), "earn N points"."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from loyalty.models import Adjustment, Campaign, LedgerEntry

pytestmark = pytest.mark.django_db
DASHBOARD_URLS = ["/dashboard/loyalty/", "/dashboard/loyalty/rules/", "/dashboard/loyalty/customers/"]


def test_points_page_shows_the_shoppers_own_balance_and_history(login):
    client = login("ada@example.com")
    html = client.get("/accounts/points/").content.decode()
    ada = get_user_model().objects.get(email="ada@example.com")
    assert f"<strong data-points-available>{ada.loyalty_account.available}</strong>" in html
    assert "DEMO-1001" in html
    assert "DEMO-1005" not in html  # Ben's order


def test_points_page_needs_a_login(client):
    response = client.get("/accounts/points/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("email", "expected"),
    [("admin@atelier.example", 200), ("planner@atelier.example", 403), ("ada@example.com", 403), (None, 302)],
)
@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_dashboard_access(client, login, email, expected, url):
    if email:
        client = login(email)
    assert client.get(url).status_code == expected


def test_overview_draws_charts(login):
    html = login("admin@atelier.example").get("/dashboard/loyalty/").content.decode()
    assert 'aria-label="Customers by tier"' in html
    assert 'aria-label="Customers by segment"' in html
    assert "<rect" in html


def customer_url(email):
    return f"/dashboard/loyalty/customers/{get_user_model().objects.get(email=email).pk}/"


def test_staff_adjustment_needs_a_reason_and_is_audited(login):
    client = login("admin@atelier.example")
    url = customer_url("ben@example.com")
    before = LedgerEntry.objects.count()

    response = client.post(url, {"points": "100", "reason": "", "token": "tok-1"})
    assert "A reason is required for an adjustment." in response.content.decode()
    response = client.post(url, {"points": "12.5", "reason": "Typo", "token": "tok-2"})
    assert "Points must be a whole number." in response.content.decode()
    assert LedgerEntry.objects.count() == before

    assert client.post(url, {"points": "100", "reason": "Late delivery", "token": "tok-3"}).status_code == 302
    assert client.post(url, {"points": "100", "reason": "Late delivery", "token": "tok-3"}).status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.reason, adjustment.staff.email, adjustment.entry.points) == (
        "Late delivery", "admin@atelier.example", 100,
    )  # fmt: skip


def test_conflicting_campaign_is_refused_in_the_dashboard(login):
    client = login("admin@atelier.example")
    start = date.today() + timedelta(days=40)
    data = {
        "form": "campaign", "campaign-name": "Spring", "campaign-starts_on": start.isoformat(),
        "campaign-ends_on": (start + timedelta(days=10)).isoformat(), "campaign-multiplier": "2",
        "campaign-bonus_points": "0", "campaign-active": "on",
    }  # fmt: skip
    assert client.post("/dashboard/loyalty/rules/", data).status_code == 302
    clash = {**data, "campaign-name": "Spring bonus", "campaign-multiplier": "3"}
    response = client.post("/dashboard/loyalty/rules/", clash)
    assert response.status_code == 200
    assert "Overlaps “Spring”" in response.content.decode()
    assert not Campaign.objects.filter(name="Spring bonus").exists()


def test_configurator_quote_says_what_it_earns(client):
    response = client.post("/configure/printed-tee/quote/", {"colour": "navy", "print_text": "Hi", "quantity": "1"})
    assert "Earn " in response.json()["quote_html"]
    assert "points" in response.json()["quote_html"]


def test_basket_and_product_page_say_what_they_earn(client):
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.get(upc="ATL-FILTER")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "data-earn-points" in html
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert "data-earn-points" in client.get("/basket/").content.decode()


def test_an_approved_review_earns_the_review_bonus_once(django_capture_on_commit_callbacks):
    from oscar.core.loading import get_model

    from loyalty.models import ProgrammeRules

    ProductReview = get_model("reviews", "ProductReview")
    chloe = get_user_model().objects.get(email="chloe@example.com")
    product = get_model("catalogue", "Product").objects.get(upc="ATL-FILTER")
    with django_capture_on_commit_callbacks(execute=True):
        review = ProductReview.objects.create(
            product=product, user=chloe, title="Good", body="Fits well", score=5, status=ProductReview.APPROVED
        )
    with django_capture_on_commit_callbacks(execute=True):
        review.save()
    assert LedgerEntry.objects.filter(account__user=chloe, source="review").count() == 1
    bonus = LedgerEntry.objects.get(idempotency_key=f"review:{review.pk}")
    assert bonus.points == ProgrammeRules.current().review_bonus
