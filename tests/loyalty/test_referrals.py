"""Referrals: invite codes, registering a friend, the bonus after the friend's first paid order,
refused for one person on both sides (same account, address or card), taken back by a refund."""

from decimal import Decimal

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from loyalty.households import household_key
from loyalty.ledger import debit_available, locked_account
from loyalty.models import InviteCode, LedgerEntry, Referral
from loyalty.selectors import referrals as referral_selectors
from loyalty.services import earning, referrals, refunds
from tests.factories import CustomerFactory, OrderFactory
from tests.loyalty.conftest import balances

Status = Referral.Status
Country = get_model("address", "Country")
UserAddress = get_model("address", "UserAddress")
ShippingAddress = get_model("order", "ShippingAddress")


@pytest.fixture
def friend(db):
    return CustomerFactory(first_name="Grace", last_name="Hopper")


@pytest.fixture
def referral(shopper, friend):
    return referrals.register_referral(referrer=shopper, friend=friend, code="abcd-efgh")


def country():
    return Country.objects.get_or_create(iso_3166_1_a2="GB", defaults={"name": "United Kingdom"})[0]


def ship_to(order, line1, postcode, line2=""):
    address = ShippingAddress.objects.create(
        first_name="A", last_name="B", line1=line1, line2=line2, line4="London", postcode=postcode, country=country()
    )
    get_model("order", "Order").objects.filter(pk=order.pk).update(shipping_address=address)
    return address


def pay(order, **cards):
    """What the paid-order composition does for a paid order: points earned, the referral decided."""
    earning.earn_for_order(order_id=order.pk)
    return referrals.reward_referral(order_id=order.pk, **cards)


def referral_rows(user):
    return list(
        LedgerEntry.objects.filter(account__user=user, source=LedgerEntry.Source.REFERRAL)
        .order_by("pk")
        .values_list("kind", "points")
    )


# --- invite codes ---------------------------------------------------------------------------


def test_invite_code_is_random_stable_and_not_the_user_id(shopper):
    code = referrals.invite_code_for(user=shopper).code
    assert len(code) == referrals.CODE_LENGTH
    assert set(code) <= set(referrals.CODE_ALPHABET)
    assert code != str(shopper.pk)
    assert referrals.invite_code_for(user=shopper).code == code
    assert referrals.invite_code_for(user=CustomerFactory()).code != code
    assert InviteCode.objects.filter(user=shopper).count() == 1


def test_typed_code_is_normalized_and_found(shopper):
    code = referrals.invite_code_for(user=shopper).code
    typed = f" {code[:5].lower()}-{code[5:]} "
    assert referral_selectors.code_owner(code=referrals.normalized_code(typed)) == shopper


@pytest.mark.parametrize("typed", ["", "NOSUCHCODE", "../../admin", "' OR 1=1 --", "A" * 200])
def test_unknown_or_tampered_code_finds_nobody(shopper, typed):
    referrals.invite_code_for(user=shopper)
    assert referral_selectors.code_owner(code=referrals.normalized_code(typed)) is None


def test_code_of_a_deactivated_member_finds_nobody(shopper):
    code = referrals.invite_code_for(user=shopper).code
    shopper.is_active = False
    shopper.save()
    assert referral_selectors.code_owner(code=code) is None


# --- registering a friend -------------------------------------------------------------------


def test_self_referral_is_refused(shopper):
    with pytest.raises(referrals.ReferralRefused, match=r"You cannot use your own invite code\."):
        referrals.register_referral(referrer=shopper, friend=shopper)
    assert not Referral.objects.filter(friend=shopper).exists()


def test_own_address_with_a_plus_tag_is_refused_as_self(shopper):
    assert referrals.friend_may_register(referrer=shopper, email=shopper.email.replace("@", "+2@")) == (
        referrals.SELF_REFERRAL
    )
    assert referrals.friend_may_register(referrer=shopper, email="someone.else@example.org") == ""


def test_a_friend_invited_by_another_member_is_refused(referral, friend):
    with pytest.raises(referrals.ReferralRefused, match="already invited by another member"):
        referrals.register_referral(referrer=CustomerFactory(), friend=friend)
    assert Referral.objects.get(friend=friend).referrer_id == referral.referrer_id


def test_registering_the_same_pair_twice_keeps_one_referral(shopper, friend, referral):
    assert referrals.register_referral(referrer=shopper, friend=friend) == referral
    assert Referral.objects.filter(friend=friend).count() == 1


def test_a_friend_who_has_ordered_already_is_refused(shopper):
    customer = CustomerFactory()
    OrderFactory(user=customer, total="10.00")
    with pytest.raises(referrals.ReferralRefused, match="Invites are for new customers"):
        referrals.register_referral(referrer=shopper, friend=customer)


# --- the first paid order decides -----------------------------------------------------------


def test_first_paid_order_rewards_both_once(shopper, friend, referral, rules):
    order = OrderFactory(user=friend, total="40.00")
    decided = pay(order)
    assert (decided.status, decided.rewarded_order) == (Status.REWARDED, order.number)
    assert (decided.referrer_points, decided.friend_points) == (
        rules.referral_bonus_referrer,
        rules.referral_bonus_friend,
    )
    assert referral_rows(shopper) == [("earn", rules.referral_bonus_referrer)]
    assert referral_rows(friend) == [("earn", rules.referral_bonus_friend)]


def test_replayed_decision_and_second_order_reward_nothing(shopper, friend, referral, rules):
    first = OrderFactory(user=friend, total="40.00")
    pay(first)
    pay(first)  # the task delivered twice
    referrals.reward_referral(order_id=first.pk)  # the reconciler after it
    pay(OrderFactory(user=friend, total="25.00"))  # a second order
    assert referral_rows(shopper) == [("earn", rules.referral_bonus_referrer)]
    assert referral_rows(friend) == [("earn", rules.referral_bonus_friend)]
    assert Referral.objects.get(pk=referral.pk).rewarded_order == first.number


def test_an_order_cancelled_before_its_task_decides_nothing(shopper, friend, referral):
    order = OrderFactory(user=friend, total="40.00", status="Cancelled")
    assert referrals.reward_referral(order_id=order.pk).status == Status.PENDING
    assert referral_rows(shopper) == []


def test_same_address_as_the_referrers_is_refused(shopper, friend, referral):
    UserAddress.objects.create(
        user=shopper, first_name="Ada", last_name="L", line1="Flat 2", line2="10 Baker Street",
        line4="London", postcode="NW1 6XE", country=country(),
    )  # fmt: skip
    order = OrderFactory(user=friend, total="40.00")
    ship_to(order, "flat 2, 10 BAKER ST.", "nw16xe")
    decided = pay(order)
    assert decided.status == Status.REFUSED
    assert decided.reason == f"{referrals.SAME_ADDRESS} (order {order.number})"
    assert referral_rows(shopper) == referral_rows(friend) == []


def test_same_address_as_a_referrers_order_is_refused(shopper, friend, referral):
    ship_to(OrderFactory(user=shopper, total="10.00"), "10 Baker Street", "NW1 6XE")
    order = OrderFactory(user=friend, total="40.00")
    ship_to(order, "10 baker st", "NW1  6XE")
    assert pay(order).status == Status.REFUSED


def test_a_neighbours_address_is_rewarded(shopper, friend, referral):
    ship_to(OrderFactory(user=shopper, total="10.00"), "10 Baker Street", "NW1 6XE")
    order = OrderFactory(user=friend, total="40.00")
    ship_to(order, "12 Baker Street", "NW1 6XE")
    assert pay(order).status == Status.REWARDED


def test_same_card_as_the_referrers_is_refused(shopper, friend, referral):
    order = OrderFactory(user=friend, total="40.00")
    decided = pay(order, friend_cards={"fp_same"}, referrer_cards={"fp_other", "fp_same"})
    assert (decided.status, decided.reason) == (Status.REFUSED, f"{referrals.SAME_CARD} (order {order.number})")
    assert referral_rows(shopper) == referral_rows(friend) == []
    # Refused is decided: a later order with another card rewards nothing either.
    assert pay(OrderFactory(user=friend, total="40.00"), friend_cards={"fp_new"}).status == Status.REFUSED


def test_another_card_is_rewarded(shopper, friend, referral):
    order = OrderFactory(user=friend, total="40.00")
    assert pay(order, friend_cards={"fp_friend"}, referrer_cards={"fp_ref"}).status == Status.REWARDED


def test_household_key_ignores_capitals_punctuation_and_street_words():
    one = household_key(lines=["10 Baker Street"], postcode="NW1 6XE", country="GB")
    assert one == household_key(lines=["10, baker st."], postcode="nw16xe", country="gb")
    assert one != household_key(lines=["10 Baker Street"], postcode="NW1 6XE", country="FR")
    assert household_key(lines=[""], postcode="NW1", country="GB") == ""


# --- refunds --------------------------------------------------------------------------------


def test_refund_in_full_of_the_first_order_takes_both_bonuses_back(shopper, friend, referral, rules):
    order = OrderFactory(user=friend, total="40.00")
    pay(order)
    refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("40.00"), refund_reference="re_1")
    refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("40.00"), refund_reference="re_1")  # replayed
    decided = Referral.objects.get(pk=referral.pk)
    assert (decided.status, decided.reason) == (Status.REVERSED, f"Order {order.number} was refunded in full")
    bonus, friend_bonus = rules.referral_bonus_referrer, rules.referral_bonus_friend
    assert referral_rows(shopper) == [("earn", bonus), ("reverse", -bonus)]
    assert referral_rows(friend) == [("earn", friend_bonus), ("reverse", -friend_bonus)]
    assert balances(shopper)[0] == 0


def test_refund_in_two_parts_takes_the_bonus_back_once_at_the_last(shopper, friend, referral, rules):
    order = OrderFactory(user=friend, total="40.00")
    pay(order)
    refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("15.00"), refund_reference="re_1")
    assert Referral.objects.get(pk=referral.pk).status == Status.REWARDED
    refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("25.00"), refund_reference="re_2")
    assert Referral.objects.get(pk=referral.pk).status == Status.REVERSED
    assert [kind for kind, _ in referral_rows(shopper)] == ["earn", "reverse"]


def test_bonus_already_spent_is_not_taken_below_zero(shopper, friend, referral, rules):
    order = OrderFactory(user=friend, total="40.00")
    pay(order)
    with transaction.atomic():
        account = locked_account(shopper.pk)
        debit_available(account, kind="redeem", source="checkout", points=100, reason="spent", key="spent:1")
    refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("40.00"), refund_reference="re_1")
    assert balances(shopper)[0] == 0
    entry = LedgerEntry.objects.filter(account__user=shopper, kind="reverse").get()
    assert entry.points == -(rules.referral_bonus_referrer - 100)
    assert "(100 already spent, not taken)" in entry.reason


def test_refund_of_a_later_order_leaves_the_bonus(shopper, friend, referral):
    pay(OrderFactory(user=friend, total="40.00"))
    second = OrderFactory(user=friend, total="20.00")
    pay(second)
    refunds.reverse_for_refund(order_id=second.pk, amount=Decimal("20.00"), refund_reference="re_1")
    assert Referral.objects.get(pk=referral.pk).status == Status.REWARDED


# --- what the hub, staff and the reconciler read --------------------------------------------


def test_invites_of_counts_friends_and_points(shopper, friend, referral, rules):
    other = CustomerFactory(first_name="", last_name="")
    referrals.register_referral(referrer=shopper, friend=other)
    pay(OrderFactory(user=friend, total="40.00"))
    invites = referral_selectors.invites_of(user=shopper)
    assert (invites["joined"], invites["rewarded"], invites["points"]) == (2, 1, rules.referral_bonus_referrer)
    assert [f["label"] for f in invites["friends"]] == ["A friend", "Grace H."]


def test_reconciler_finds_the_friends_first_paid_order_while_pending(friend, referral):
    first = OrderFactory(user=friend, total="40.00")
    OrderFactory(user=friend, total="10.00")
    assert referral_selectors.paid_orders_with_pending_referral() == [first.pk]
    referrals.reward_referral(order_id=first.pk)
    assert referral_selectors.paid_orders_with_pending_referral() == []
