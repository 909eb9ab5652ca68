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
