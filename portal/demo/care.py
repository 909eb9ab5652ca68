"""Demo customer care: topics routed to three queues with canned replies, and a few tickets for the demo shoppers
in several states.

Built through care's services, as a customer and an agent would have made them; each ticket has a fixed
form token, so running the demo again finds it and changes nothing. No e-mail goes out for them.
"""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from oscar.core.loading import get_model

from care import priority, services
from care.models import Author, CannedReply, Severity, State, TicketMessage, Topic

Order = get_model("order", "Order")

CUSTOMER_SERVICE, QUALITY, EXPERTS = "Customer service", "Quality", "Experts"
QUEUES = (CUSTOMER_SERVICE, QUALITY, EXPERTS)
# name, slug, queue, first response h, resolution h, priority, complaint
TOPICS = [
    ("Order question", "order-question", CUSTOMER_SERVICE, 24, 80, priority.NORMAL, False),
    ("Delivery", "delivery", CUSTOMER_SERVICE, 24, 64, priority.NORMAL, False),
    ("Product quality", "product-quality", QUALITY, 8, 40, priority.HIGH, True),
    ("Payment & points", "payment-points", CUSTOMER_SERVICE, 16, 40, priority.NORMAL, False),
    # Where a return request opens its ticket (care/claims/); warranty claims open under product quality.
    ("Returns", "returns", CUSTOMER_SERVICE, 24, 64, priority.NORMAL, False),
]
NAMESPACE = uuid.UUID("1b7c6a52-6e0f-4f53-9a57-2f1c0d5e7a10")


# Who may send a complaint's item back to the workshop at no charge: the quality staff and the experts.
REMAKERS = (QUALITY, EXPERTS)


def load_topics():
    created = 0
    answer = Permission.objects.get(content_type__app_label="care", codename="answer_ticket")
    remake = Permission.objects.get(content_type__app_label="care", codename="start_remake")
    decide = Permission.objects.get(content_type__app_label="care", codename="decide_claim")
    for name in QUEUES:
        group, was_created = Group.objects.get_or_create(name=name)
        created += was_created
        if not group.permissions.filter(pk=answer.pk).exists():
            group.permissions.add(answer)
        if name in REMAKERS and not group.permissions.filter(pk=remake.pk).exists():
            group.permissions.add(remake)
        if name in REMAKERS and not group.permissions.filter(pk=decide.pk).exists():
            group.permissions.add(decide)
    for position, (name, slug, queue, first, resolution, level, complaint) in enumerate(TOPICS):
        _, was_created = Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "queue": Group.objects.get(name=queue),
                "first_response_hours": first,
                "resolution_hours": resolution,
                "default_priority": level,
                "is_complaint": complaint,
                "position": position,
            },
        )
        created += was_created
    return created + _load_canned_replies()


# title, topic slug (None: offered on every ticket), body with the blanks care/blanks.py fills
CANNED_REPLIES = [
    (
        "Thanks, we are on it",
        None,
        "Hello {first_name},\n\nThank you for writing to us. We are looking into it and will come back to you "
        "within a working day. Your reference is {reference}.\n\nBest wishes,\n{agent_name}, Atelier customer care",
    ),
    (
        "Anything else?",
        None,
        "Hello {first_name},\n\nI hope this answers your question. If there is anything else, just reply to this "
        "message and it will come straight back to me.\n\nBest wishes,\n{agent_name}",
    ),
    (
        "Where your order is",
        "order-question",
        "Hello {first_name},\n\nYour order {order_number} is in our workshop. You can follow each step, with its "
        "planned ship date, on the order's page in your account.\n\nBest wishes,\n{agent_name}",
    ),
    (
        "Photos of the fault, please",
        "product-quality",
        "Hello {first_name},\n\nI am sorry about this. Could you reply with two or three photos of the fault, "
        "one of them showing the whole piece? With them our workshop can decide on a repair or a remake of your "
        "order {order_number}.\n\nBest wishes,\n{agent_name}",
    ),
    (
        "When points arrive",
        "payment-points",
        "Hello {first_name},\n\nPoints for an order join your balance 14 days after it is delivered, once the "
        "return period is over. Nothing is lost in the meantime: your account shows them as pending."
        "\n\nBest wishes,\n{agent_name}",
    ),
]


def _load_canned_replies():
    created = 0
    for position, (title, topic_slug, body) in enumerate(CANNED_REPLIES):
        topic = Topic.objects.get(slug=topic_slug) if topic_slug else None
        _, was_created = CannedReply.objects.get_or_create(
            title=title, defaults={"body": body, "topic": topic, "position": position}
        )
        created += was_created
    return created


AGENT = ("care@atelier.example", "atelier-care", "Mina", "Haddad")


def load_agent():
    """A service agent in the Customer service and Quality queues (who may so start remakes): the care
    console, nothing else of the dashboard."""
    email, password, first_name, last_name = AGENT
    user_model = get_user_model()
    if user_model.objects.filter(email=email).exists():
        return 0
    agent = user_model.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    agent.is_staff = True
    agent.save(update_fields=["is_staff"])
    agent.groups.add(Group.objects.get(name=CUSTOMER_SERVICE), Group.objects.get(name=QUALITY))
    return 1


def _key(*parts):
    return uuid.uuid5(NAMESPACE, ":".join(parts))


def _open(name, email, topic_slug, subject, body, *, ago, **links):
    user = get_user_model().objects.get(email=email)
    ticket, created = services.open_ticket(
        topic=Topic.objects.get(slug=topic_slug),
        user=user,
        subject=subject,
        body=body,
        submission_key=_key(name),
        now=timezone.now() - ago,
        **links,
    )
    return ticket, created


def _answer(ticket, name, body, *, ago, internal=False):
    agent = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    message, _ = services.reply(
        ticket=ticket,
        body=body,
        author_kind=Author.STAFF,
        author=agent,
        internal=internal,
        submission_key=_key(name),
        now=timezone.now() - ago,
    )
    return message


def _customer_says(ticket, name, body, *, ago):
    services.reply(
        ticket=ticket,
        body=body,
        author_kind=Author.CUSTOMER,
        author=ticket.user,
        submission_key=_key(name),
        now=timezone.now() - ago,
    )


def load_tickets():
    created = 0

    # Ada asks when her sofa (in production) ships; answered, waiting for her.
    order = Order.objects.filter(number="DEMO-2001").first()
    ticket, was_created = _open(
        "ada-sofa",
        "ada@example.com",
        "order-question",
        "Can the sofa arrive before the 20th?",
        "We are moving flat on the 22nd. Could it arrive before the 20th, or be held until after the move?",
        ago=timedelta(days=2, hours=3),
        order=order,
    )
    if was_created:
        created += 1
        _answer(
            ticket,
            "ada-sofa-note",
            "Workshop says upholstery finishes Thursday.",
            ago=timedelta(days=1, hours=6),
            internal=True,
        )
        _answer(
            ticket,
            "ada-sofa-reply",
            "Hello Ada, your sofa is being upholstered now and ships on Friday. Shall we hold it until the 23rd?",
            ago=timedelta(days=1, hours=5),
        )

    # Ada's question about points, answered and resolved.
    ticket, was_created = _open(
        "ada-points",
        "ada@example.com",
        "payment-points",
        "Points from my fridge order",
        "My points from order DEMO-1002 are not in my balance yet.",
        ago=timedelta(days=12),
    )
    if was_created:
        created += 1
        _answer(
            ticket,
            "ada-points-reply",
            "Points vest 14 days after delivery, so they join your balance on Tuesday. Nothing is lost!",
            ago=timedelta(days=11, hours=20),
        )
        _customer_says(ticket, "ada-points-thanks", "Thank you, that explains it.", ago=timedelta(days=11, hours=18))
        services.change_state(
            ticket=ticket,
            to_state=State.RESOLVED,
            expected_state=State.OPEN,
            actor=None,
            now=timezone.now() - timedelta(days=11, hours=17),
        )

    # Ben's complaint about his tote, new, in the quality queue.
    order = Order.objects.filter(number="DEMO-1005").first()
    ticket, was_created = _open(
        "ben-tote",
        "ben@example.com",
        "product-quality",
        "Stitching came loose on the strap",
        "After two weeks the stitching on one strap came loose. Photos to follow.",
        ago=timedelta(hours=5),
        line=order.lines.first() if order else None,
        severity=Severity.MAJOR,
    )
    created += was_created

    # No e-mail for made-up history.
    TicketMessage.objects.filter(ticket__submission_key__in=[_key("ada-sofa"), _key("ada-points"), _key("ben-tote")],
                                 emailed_at__isnull=True).update(emailed_at=timezone.now())  # fmt: skip
    return created
