"""Turning a reminder message and one customer's values into an email (HTML and text) and an inbox entry.

Editors write the words in Wagtail (`ReminderMessage`); until they publish one for a type,
the default copy below is used, so the engine never sends an empty message. Every value is
escaped in HTML, and Oscar's inbox shows the body as HTML, so it is built from escaped parts.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import links, placeholders
from .models import ReminderMessage, Trigger

# (subject, body, button label) per trigger, used until editors publish their own.
DEFAULT_COPY = {
    Trigger.BIRTHDAY: (
        "Happy birthday, {first_name}",
        "Everyone at {shop_name} wishes you a wonderful birthday.\n\nThank you for being with us.",
        "Treat yourself",
    ),
    Trigger.ANNIVERSARY: (
        "{amount} years with {shop_name}",
        "Hello {first_name},\n\nit is {amount} years since your first order with us. Thank you.",
        "See your orders",
    ),
    Trigger.REPLENISHMENT: (
        "Time for a new {product}",
        "Hello {first_name},\n\nyour {product} is due for a change. Reorder it in a minute.",
        "Reorder",
    ),
    Trigger.SAVED_DESIGN: (
        "Your {product} design is waiting",
        "Hello {first_name},\n\nyou saved a {product} design. It is still here when you are ready: {design_link}",
        "Open your design",
    ),
    Trigger.ABANDONED_BASKET: (
        "You left something in your basket",
        "Hello {first_name},\n\nyour basket is saved. Pick up where you left off.",
        "Go to your basket",
    ),
    Trigger.POINTS_EXPIRING: (
        "{points} points expire on {expires_on}",
        "Hello {first_name},\n\n{points} of your points expire on {expires_on}. Spend them before they go.",
        "Use your points",
    ),
    Trigger.TIER_GAP: (
        "{amount} away from {tier}",
        "Hello {first_name},\n\nyou are {amount} of orders away from {tier}.",
        "Shop now",
    ),
    Trigger.WIN_BACK: (
        "We miss you, {first_name}",
        "Hello {first_name},\n\nit has been a while. See what is new at {shop_name}.",
        "See what is new",
    ),
    Trigger.ORDER_SHIPPED: (
        "Order {order_number} is on its way",
        "Hello {first_name},\n\nyour order {order_number} has left the workshop.",
        "Follow your order",
    ),
    Trigger.ORDER_DELIVERED: (
        "Order {order_number} has arrived",
        "Hello {first_name},\n\nyour order {order_number} has been delivered. Enjoy it.",
        "See your order",
    ),
    Trigger.SURVEY: (
        "How did we do with order {order_number}?",
        "Hello {first_name},\n\nwe would love to hear how your order {order_number} turned out.",
        "Tell us",
    ),
}

SAMPLE_VALUES = {
    "first_name": "Ada",
    "product": "water filter",
    "points": "1,200",
    "tier": "Gold",
    "amount": "3",
    "expires_on": "31 December",
    "order_number": "100231",
    "design_link": "/designs/example/",
    "link": "/catalogue/",
}


@dataclass(frozen=True)
class Copy:
    subject: str
    body: str
    button_label: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    inbox_subject: str
    inbox_html: str
    headers: dict


class MessageCatalogue:
    """The live messages, loaded once per delivery chunk."""

    def __init__(self, messages):
        self.by_key = {(m.trigger, m.language): m for m in messages}
        self.by_trigger = {}
        for message in messages:
            self.by_trigger.setdefault(message.trigger, message)

    @classmethod
    def load(cls):
        return cls(list(ReminderMessage.objects.filter(live=True)))

    def for_trigger(self, trigger, language=None):
        message = self.by_key.get((trigger, language or settings.LANGUAGE_CODE)) or self.by_trigger.get(trigger)
        if message is not None:
            return Copy(message.subject, message.body, message.button_label)
        return Copy(*DEFAULT_COPY[trigger])


@lru_cache(maxsize=16)
def _footer_words(language):
    # Translated once per language and process: a chunk renders a thousand footers.
    return {"stop": _("Stop these reminders"), "preferences": _("Your reminder preferences"), "there": _("there")}


@lru_cache(maxsize=1)
def _preferences_path():
    return reverse("reminders:preferences")


def render(*, send, message):
    """The message for one send; links are tracked and the unsubscribe link is signed for its customer."""
    first_name = send.user.first_name or _footer_words(translation.get_language())["there"]
    return render_copy(
        message, values={**send.context, "first_name": first_name}, send_id=send.pk, user_id=send.user_id,
        trigger=send.rule.trigger,
    )  # fmt: skip


def render_copy(message, *, values, send_id, user_id, trigger):
    site = links.site_url()
    values = {**values, "shop_name": settings.OSCAR_SHOP_NAME}
    link_path = links.tracked_path(send_id, links.link_for(trigger, values=values, user_id=user_id))
    values["link"] = site + link_path
    if values.get("design_link"):
        values["design_link"] = site + links.tracked_path(send_id, values["design_link"])
    unsubscribe_url = site + links.unsubscribe_path(user_id, trigger)
    preferences_url = site + _preferences_path()

    words = _footer_words(translation.get_language())
    subject = placeholders.fill(message.subject, values)
    text_body = placeholders.fill(message.body, values)
    label = placeholders.fill(message.button_label, values)
    paragraphs = [
        mark_safe(urlize(p.strip(), autoescape=True).replace("\n", "<br>"))
        for p in text_body.split("\n\n")
        if p.strip()
    ]
    html = get_template("reminders/email/reminder.html").render(
        {
            "subject": subject,
            "paragraphs": paragraphs,
            "button_label": label,
            "button_url": values["link"],
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": preferences_url,
            "shop_name": settings.OSCAR_SHOP_NAME,
            "words": words,
        },
    )
    text = (
        f"{text_body}\n\n{label}: {values['link']}\n\n-- \n"
        f"{words['stop']}: {unsubscribe_url}\n{words['preferences']}: {preferences_url}\n"
    )
    inbox_html = "".join(f"<p>{p}</p>" for p in paragraphs) + (
        f'<p><a class="btn btn-primary" href="{escape(link_path)}">{escape(label)}</a></p>'
    )
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Rendered(subject, text, html, escape(subject), inbox_html, headers)


def render_preview(message, mode_name):
    """What Wagtail's preview panel shows: the message with sample values, in the chosen form."""
    copy = Copy(message.subject or "", message.body or "", message.button_label or "")
    rendered = render_copy(copy, values=SAMPLE_VALUES, send_id=0, user_id=0, trigger=message.trigger or "birthday")
    return {"mode": mode_name, "rendered": rendered}
