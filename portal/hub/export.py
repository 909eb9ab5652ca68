"""A customer's data as JSON: everything the shop holds about them, in one download.

Each section is a function of the user; the hub composes them, so an app that starts keeping
personal data adds its section here and the export stays complete.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from oscar.core.loading import get_model

from care import selectors as care_selectors
from care.claims.models import Claim
from configurator import selectors as configurator_selectors
from loyalty.reminders import selectors as reminder_selectors
from loyalty.selectors.accounts import account_summary, ledger_for
from loyalty.selectors.referrals import invited_by, invites_of
from loyalty.wallet.selectors import entries_for, wallet_for

from .selectors import orders_for

UserAddress = get_model("address", "UserAddress")
Notification = get_model("communication", "Notification")
Email = get_model("communication", "Email")


def profile(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_of_birth": user.birth_date,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def addresses(user):
    return [
        {
            "name": address.name,
            "lines": list(address.active_address_fields()),
            "phone_number": str(address.phone_number or ""),
            "default_for_shipping": address.is_default_for_shipping,
            "default_for_billing": address.is_default_for_billing,
        }
        for address in UserAddress.objects.filter(user=user)
    ]


def _line(line):
    return {
        "title": line.title,
        "quantity": line.quantity,
        "price_incl_tax": line.line_price_incl_tax,
        "configuration": line.configuration_summary,
    }


def orders(user):
    queryset = orders_for(user).prefetch_related("lines__attributes__option", "status_changes")
    return [
        {
            "number": order.number,
            "placed": order.date_placed,
            "status": order.status,
            "currency": order.currency,
            "total_incl_tax": order.total_incl_tax,
            "shipping_incl_tax": order.shipping_incl_tax,
            "shipping_address": list(order.shipping_address.active_address_fields()) if order.shipping_address else [],
            "lines": [_line(line) for line in order.lines.all()],
            "status_history": [
                {"status": change.new_status, "at": change.date_created} for change in order.status_changes.all()
            ],
        }
        for order in queryset
    ]


def designs(user):
    return [
        {
            "name": design.name,
            "family": design.family.name,
            "values": design.values,
            "price": design.price,
            "created": design.created_at,
            "updated": design.updated_at,
        }
        for design in configurator_selectors.designs_for(user)
    ]


def messages(user):
    return [
        {"subject": item.subject, "body": item.body, "sent": item.date_sent, "read": item.date_read}
        for item in Notification.objects.filter(recipient=user)
    ]


def emails(user):
    return [
        {"subject": item.subject, "sent": item.date_sent, "body": item.body_text}
        for item in Email.objects.filter(user=user)
    ]


def points(user):
    summary = account_summary(user=user)
    return {
        "available": summary.available,
        "pending": summary.pending,
        "tier": summary.tier,
        "segment": summary.segment,
        "spend_12m": summary.spend_12m,
        "ledger": [
            {
                "at": entry.created,
                "kind": entry.kind,
                "source": entry.source,
                "bucket": entry.bucket,
                "points": entry.points,
                "reason": entry.reason,
            }
            for entry in ledger_for(user=user)
        ],
    }


def reminders(user):
    return {
        "preferences": [
            {"type": row["label"], "channels": {c["channel"]: c["allowed"] for c in row["channels"]}}
            for row in reminder_selectors.preferences_for(user=user)
        ],
        "sent": [
            {"type": send.rule.get_trigger_display(), "sent": send.sent_at, "channels": send.channels}
            for send in user.reminder_sends.select_related("rule").exclude(sent_at=None)
        ],
        "consent_given": [
            {"at": record.recorded_at, "where": record.source, "wording": record.wording, "answers": record.choices}
            for record in reminder_selectors.consent_records_for(user=user)
        ],
    }


def tickets(user):
    """What the customer and staff wrote to each other (staff's internal notes are not the customer's)."""
    return [
        {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "topic": str(ticket.topic),
            "state": ticket.state,
            "order": ticket.order.number if ticket.order else None,
            "opened": ticket.opened_at,
            "messages": [
                {"from": message.author_kind, "at": message.created, "body": message.body}
                for message in care_selectors.thread(ticket)
            ],
        }
        for ticket in care_selectors.tickets_for(user)
    ]


def claims(user):
    return [
        {
            "rma": claim.rma,
            "kind": claim.kind,
            "order": claim.order.number,
            "item": claim.line.title,
            "quantity": claim.quantity,
            "reason": claim.reason,
            "filed": claim.created_at,
            "decision": claim.decision,
            "decision_reason": claim.decision_reason,
            "decided": claim.decided_at,
            "refunded": claim.refunded_amount,
        }
        for claim in Claim.objects.filter(user=user).select_related("order", "line").order_by("created_at")
    ]


def wallet(user):
    held = wallet_for(user=user)
    values = ([held.store_credit] if held.store_credit else []) + held.cards
    return {
        "balances": [
            {
                "kind": value.kind,
                "code_ends_in": value.code_hint,  # the code itself is never kept, only its digest
                "balance": value.balance,
                "currency": value.currency,
                "expires": value.expires_on,
            }
            for value in values
        ],
        "gift_cards_bought": [
            {
                "for": purchase.recipient_name,
                "email": purchase.recipient_email,
                "message": purchase.message,
                "deliver_on": purchase.deliver_on,
                "order": purchase.order_line.order.number,
            }
            for purchase in held.bought
        ],
        "ledger": [
            {"at": entry.created, "kind": entry.kind, "amount": entry.amount, "reason": entry.reason}
            for entry in entries_for(user=user)
        ],
    }


def referrals(user):
    joined_with = invited_by(user=user)
    return {
        "invited_by": joined_with.referrer.get_full_name() if joined_with else None,
        "friends_invited": [
            {"friend": friend["label"], "joined": friend["joined"], "status": friend["status"]}
            for friend in invites_of(user=user)["friends"]
        ],
    }


SECTIONS = {
    "profile": profile,
    "addresses": addresses,
    "orders": orders,
    "designs": designs,
    "messages": messages,
    "emails": emails,
    "points": points,
    "reminders": reminders,
    "tickets": tickets,
    "claims": claims,
    "wallet": wallet,
    "referrals": referrals,
}


def customer_data(user):
    data = {"exported_at": timezone.now(), "format": "atelier-customer-export/1"}
    data.update({name: section(user) for name, section in SECTIONS.items()})
    return data


def customer_data_json(user):
    return json.dumps(customer_data(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
