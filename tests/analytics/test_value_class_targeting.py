"""The value classes as targets: a reminder rule for chosen classes selects only their customers, a
loyalty campaign for chosen classes gives its points only to them, and both refuse a code that is
no value class (the model, the loyalty dashboard's form, Wagtail's snippet form)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from loyalty.dashboard.forms import CampaignForm
from loyalty.models import Campaign, LoyaltyAccount, ProgrammeRules
from loyalty.reminders.models import ReminderRule, ReminderSend, Trigger
from loyalty.reminders.services import selection
from loyalty.selectors.previews import points_for_product
from loyalty.services import earning
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 6, 17, 12, 0))


def customer_of(value_class, **fields):
    person = CustomerFactory(**fields)
    LoyaltyAccountFactory(user=person, value_class=value_class)
    return person


@pytest.fixture
def birthday_rule():
    ReminderRule.objects.update(enabled=False)

    def make(**fields):
        rule, _ = ReminderRule.objects.update_or_create(
            trigger=Trigger.BIRTHDAY,
            defaults={"enabled": True, "holdout_percent": 0, "weekly_cap": 10, "quiet_start": time(0),
                      "quiet_end": time(0), "segments": "", **fields},
        )  # fmt: skip
        return rule

    return make


def test_a_reminder_rule_for_major_only_selects_the_major_customers(birthday_rule):
    rule = birthday_rule(value_classes="major")
    today = timezone.localdate(NOW)
    born = {"birth_date": date(1985, today.month, today.day)}
    major, premium, ordinary = (
        customer_of("major", **born),
        customer_of("premium", **born),
        customer_of("ordinary", **born),
    )

    selection.select_candidates(rule=rule, now=NOW)

    selected = set(ReminderSend.objects.filter(rule=rule).values_list("user_id", flat=True))
    assert major.pk in selected
    assert premium.pk not in selected and ordinary.pk not in selected


def test_a_reminder_rule_for_no_class_selects_every_class(birthday_rule):
    rule = birthday_rule(value_classes="")
    today = timezone.localdate(NOW)
    people = [customer_of(code, birth_date=date(1990, today.month, today.day)) for code in ("major", "restricted")]

    selection.select_candidates(rule=rule, now=NOW)

    assert set(ReminderSend.objects.filter(rule=rule).values_list("user_id", flat=True)) >= {p.pk for p in people}


def test_a_reminder_rule_refuses_a_code_that_is_no_value_class(birthday_rule):
    rule = birthday_rule()
    rule.value_classes = "premium, gold"

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    assert "Not a value class: gold" in str(refused.value.message_dict["value_classes"])
    rule.value_classes = "premium, major"
    rule.full_clean()
    assert rule.value_class_codes == ["premium", "major"]


def test_the_reminder_rules_wagtail_form_has_the_value_classes(client, django_user_model, birthday_rule):
    rule = birthday_rule()
    client.force_login(django_user_model.objects.get(email="admin@atelier.example"))

    page = client.get(f"/cms/snippets/reminders/reminderrule/edit/{rule.pk}/")

    assert page.status_code == 200 and 'name="value_classes"' in page.content.decode()


@pytest.fixture
def plain_rules():
    """1 point per £, no bonus but the campaign's, no other campaign running."""
    Campaign.objects.update(active=False)
    rules = ProgrammeRules.current()
    rules.points_per_unit, rules.first_order_bonus = Decimal(1), 0
    rules.save()
    return rules


def premium_campaign(**fields):
    today = timezone.localdate()
    return Campaign.objects.create(
        name="Premium thanks", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1),
        bonus_points=50, value_classes="premium", **fields,
    )  # fmt: skip


def pending_points(person):
    return LoyaltyAccount.objects.get(user=person).pending


def test_a_campaign_for_premium_gives_its_bonus_to_a_premium_customer_and_not_to_an_ordinary_one(plain_rules):
    premium_campaign()
    premium, ordinary = customer_of("premium"), customer_of("ordinary")

    for person in (premium, ordinary):
        earning.earn_for_order(order_id=OrderFactory(user=person, total="100.00").pk)

    assert pending_points(premium) == 150  # 100 + the campaign's 50
    assert pending_points(ordinary) == 100


def test_the_points_shown_before_buying_follow_the_same_campaign(plain_rules):
    premium_campaign(multiplier=Decimal(2))
    premium, ordinary = customer_of("premium"), customer_of("ordinary")
    order = OrderFactory(user=premium, total="10.00")
    product = order.lines.get().product

    assert points_for_product(user=premium, product=product, amount=Decimal(10)) == 70  # 10 × 2 + 50
    assert points_for_product(user=ordinary, product=product, amount=Decimal(10)) == 10
    assert points_for_product(user=None, product=product, amount=Decimal(10)) == 10


def test_campaigns_for_different_classes_may_overlap_on_the_same_products(plain_rules):
    premium_campaign(multiplier=Decimal(3))
    today = timezone.localdate()
    for_ordinary = Campaign(name="Come back", starts_on=today, ends_on=today, multiplier=Decimal("1.5"),
                            value_classes="ordinary")  # fmt: skip
    for_everyone = Campaign(name="Everyone", starts_on=today, ends_on=today, multiplier=Decimal("1.5"))

    for_ordinary.full_clean()
    with pytest.raises(ValidationError, match="Overlaps"):
        for_everyone.full_clean()


def test_the_campaign_form_offers_the_classes_as_boxes_and_refuses_others(plain_rules):
    today = timezone.localdate().isoformat()
    data = {"campaign-name": "Top", "campaign-starts_on": today, "campaign-ends_on": today,
            "campaign-multiplier": "2", "campaign-bonus_points": "0", "campaign-active": "on"}  # fmt: skip

    form = CampaignForm({**data, "campaign-value_classes": ["premium", "major"]}, prefix="campaign")
    assert form.is_valid(), form.errors
    assert form.save().value_classes == "premium,major"
    assert CampaignForm(instance=form.instance).initial["value_classes"] == ["premium", "major"]

    wrong = CampaignForm({**data, "campaign-value_classes": ["gold"]}, prefix="campaign")
    assert not wrong.is_valid() and "value_classes" in wrong.errors

    with pytest.raises(ValidationError):
        Campaign(name="x", starts_on=date.today(), ends_on=date.today(), value_classes="gold").full_clean()
