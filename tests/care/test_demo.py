"""The demo's care: topics routed to queues, and the shoppers' tickets in several states, loaded once."""

import pytest

from care.models import State, Ticket, Topic
from portal.demo import care as demo_care

pytestmark = pytest.mark.django_db


def test_the_demo_routes_topics_to_queues():
    queues = dict(Topic.objects.values_list("slug", "queue__name"))
    assert queues == {
        "order-question": "Customer service",
        "delivery": "Customer service",
        "product-quality": "Quality",
        "payment-points": "Customer service",
        "returns": "Customer service",
    }
    assert Topic.objects.get(slug="product-quality").is_complaint


def test_the_demo_shoppers_have_tickets_in_several_states():
    states = dict(Ticket.objects.values_list("subject", "state"))
    assert states == {
        "Can the sofa arrive before the 20th?": State.WAITING,
        "Points from my fridge order": State.RESOLVED,
        "Stitching came loose on the strap": State.NEW,
    }
    sofa = Ticket.objects.get(subject__startswith="Can the sofa")
    assert sofa.user.email == "ada@example.com" and sofa.order.number == "DEMO-2001"
    assert sofa.messages.filter(internal=True).count() == 1
    tote = Ticket.objects.get(subject__startswith="Stitching")
    assert (tote.queue.name, tote.line.order.number) == ("Quality", "DEMO-1005")


def test_loading_the_demo_again_changes_nothing():
    before = (Ticket.objects.count(), sum(t.messages.count() + t.events.count() for t in Ticket.objects.all()))

    assert demo_care.load_topics() == 0
    assert demo_care.load_tickets() == 0
    after = (Ticket.objects.count(), sum(t.messages.count() + t.events.count() for t in Ticket.objects.all()))
    assert after == before


def test_the_quality_and_expert_queues_may_start_remakes_and_customer_service_may_not():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    may = {g.name: g.permissions.filter(codename="start_remake").exists() for g in Group.objects.all()}
    assert (may["Quality"], may["Experts"], may["Customer service"]) == (True, True, False)
    assert get_user_model().objects.get(email="care@atelier.example").has_perm("care.start_remake")
