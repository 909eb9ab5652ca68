"""The safety net under portal/events.py: every effect that must follow a cause, how its absence
is found, how often it is looked for, and what does it again. One beat entry (`reconcile`, every
TICK_MINUTES) runs the table.

A task can be lost: the broker refused it, a worker was killed mid-task (the filesystem broker
drops such a task; Redis hands it back only after its visibility timeout), a webhook never came.
The database says what happened, so each row's finder (a selector of the app that owns the
effect) asks it which causes lack their effect, and the row does the effect again for each: the
function portal/events.py uses for the effects of a paid or refunded order, the payments app's
own for a payment whose webhook was lost and for kept Stripe events (a cause is that function's
argument, or a tuple of its arguments). Effects are idempotent and keyed, so doing one that was
only late changes nothing.

Each row on its own, each cause on its own: one that fails is logged (and, where its app notes
failures, noted on the order for staff) and the others go on.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from analytics.selectors import orders_missing_line_costs
from care import tasks as care_tasks
from care.claims.selectors import claims_to_refund
from care.missing import case_articles_not_thanked, claim_steps_not_emailed, staff_replies_not_emailed
from care.surveys.selectors import low_scores_without_ticket
from care.surveys.tasks import open_survey_ticket
from loyalty.selectors.missing import paid_orders_without_points, refunds_without_reversal
from loyalty.selectors.referrals import paid_orders_with_pending_referral
from loyalty.wallet import tasks as wallet_tasks
from loyalty.wallet.selectors import closed_orders_not_returned, paid_orders_unsettled
from production.selectors.delivery import bookings_without_order
from production.selectors.release import orders_missing_work_orders
from production.services.delivery_slots import release_orphan_booking

from . import events
from .after_sales import change_followups, claim_refunds
from .after_sales import mail as cancellation_mail
from .after_sales import refunds as cancellation_refunds
from .documents.selectors import orders_missing_confirmation
from .payments import stripe_events
from .payments.gateways import GatewayUnavailable
from .payments.selectors import orders_awaiting_payment
from .payments.services.unpaid import check_pending_payment

logger = logging.getLogger(__name__)

# How often beat runs the table (portal/settings: CELERY_BEAT_SCHEDULE["reconcile"]).
TICK_MINUTES = settings.RECONCILE_TICK_SECONDS // 60
# A row whose service is down (three causes in a row raising its `unavailable`) stops for this run.
GIVE_UP_AFTER = 3


@dataclass(frozen=True)
class Reconciler:
    name: str
    finds: Callable[[], Iterable]  # the causes missing the effect (at most a few hundred): the owning app's selector
    redo: Callable  # does the effect again for one cause (its argument, or a tuple of them)
    every: int  # minutes
    unavailable: type[Exception] | None = None  # the service every cause needs is down


RECONCILERS = (
    # An order unpaid five minutes after it was placed has the gateway's answer applied (a lost webhook).
    Reconciler(
        "payments", finds=orders_awaiting_payment, redo=check_pending_payment, every=5, unavailable=GatewayUnavailable
    ),
    # A Stripe event kept for later (its payment not recorded yet, Stripe unreachable) is applied, for three days.
    Reconciler("kept-stripe-events", finds=stripe_events.kept_events, redo=stripe_events.process, every=5),
    # An order paid ten minutes to seven days ago has its confirmation email, whatever its status now.
    Reconciler("confirmations", finds=orders_missing_confirmation, redo=events.send_confirmation, every=10),
    # A paid or in-production order of the last 30 days has a work order per configured line with a routing.
    Reconciler("work-orders", finds=orders_missing_work_orders, redo=events.release_to_production, every=10),
    # A customer's order of the last 30 days that counts as a purchase has its points.
    Reconciler("points", finds=paid_orders_without_points, redo=events.earn_points, every=15),
    # An order paid in the last 30 days (refunded since or not) has a frozen cost for every line.
    Reconciler("line-costs", finds=orders_missing_line_costs, redo=events.freeze_costs, every=15),
    # A refund of a customer's order in the last 30 days has taken back the points its share earned.
    Reconciler("points-reversals", finds=refunds_without_reversal, redo=events.reverse_points, every=15),
    # An order the customer cancelled in the last 30 days whose card payment still holds money has its refund asked
    # for again, with the key derived from the order (a refusal or Stripe down; staff see it noted on the order).
    Reconciler(
        "cancellation-refunds",
        finds=cancellation_refunds.cancellations_to_refund,
        redo=cancellation_refunds.retry_refund,
        every=15,
    ),
    # A cancellation of the last 7 days has e-mailed its customer (claimed once: never sent twice).
    Reconciler(
        "cancellation-mails", finds=cancellation_mail.cancellations_not_emailed, redo=cancellation_mail.resend, every=10
    ),
    # A claim decided as a refund in the last 30 days has its refund made (asked again with the key from its RMA),
    # and each step of a claim of the last 7 days has e-mailed its customer (claimed once: never sent twice).
    Reconciler("claim-refunds", finds=claims_to_refund, redo=claim_refunds.retry_refund, every=15),
    Reconciler("claim-mails", finds=claim_steps_not_emailed, redo=care_tasks.send_claim_mail, every=10),
    # A survey scored 3 or below in the last 7 days has opened its quality ticket.
    Reconciler("survey-tickets", finds=low_scores_without_ticket, redo=open_survey_ticket, every=10),
    # A staff reply of the last 7 days has been e-mailed to its customer (claimed once: never sent twice).
    Reconciler("care-reply-mails", finds=staff_replies_not_emailed, redo=care_tasks.send_message_mail, every=10),
    # A case article published in the last 30 days has thanked its customer (the ledger's key: points once).
    Reconciler("case-article-thanks", finds=case_articles_not_thanked, redo=care_tasks.thank_case_customer, every=15),
    # Orders paid in the last 30 days have their gift card holds spent and their gift cards issued;
    # cancelled or refunded ones have their gift card and store credit money back.
    Reconciler("wallet-paid-orders", finds=paid_orders_unsettled, redo=events.settle_wallet, every=15),
    Reconciler("wallet-returns", finds=closed_orders_not_returned, redo=wallet_tasks.redo_return, every=15),
    # A friend's first paid order of the last 30 days has decided their referral (rewarded or refused).
    Reconciler(
        "referrals",
        finds=paid_orders_with_pending_referral,
        redo=events.reward_referral,
        every=15,
        unavailable=GatewayUnavailable,
    ),
    # A design change awaiting its difference has the gateway's answer applied (a lost webhook);
    # a day unpaid, it is abandoned and its payment cancelled (the order as it was).
    Reconciler(
        "design-change-payments",
        finds=change_followups.changes_awaiting_payment,
        redo=change_followups.check_change_payment,
        every=10,
        unavailable=GatewayUnavailable,
    ),
    # A design change decided in the last 7 days has its costs, points, invoice and mail.
    Reconciler(
        "design-change-followups",
        finds=change_followups.changes_missing_followups,
        redo=change_followups.redo_followups,
        every=10,
    ),
    # Money a design change owes back (a cheaper design, a paid change not applied) is refunded (same key).
    Reconciler(
        "design-change-refunds", finds=change_followups.changes_to_refund, redo=change_followups.retry_refund, every=15
    ),  # A delivery slot's place booked an hour ago or more for an order that was never placed is given back.
    Reconciler("delivery-bookings", finds=bookings_without_order, redo=release_orphan_booking, every=15),
)


def run(*, now=None):
    """Beat, every TICK_MINUTES: the rows that are due, each on its own. Returns {row name: causes done}."""
    now = now or timezone.now()
    done = {}
    for reconciler in RECONCILERS:
        if not is_due(reconciler, now):
            continue
        try:
            done[reconciler.name] = run_one(reconciler)
        except Exception:
            logger.exception("Reconciler %s failed", reconciler.name)
    return done


def is_due(reconciler, now):
    """Whether a multiple of the row's period fell within the tick now ending. Stateless: a beat
    restarted or a tick run late costs one run too many or too few of an idempotent row."""
    minute = int(now.timestamp() // 60)
    return minute % max(1, reconciler.every) < max(1, TICK_MINUTES)


def run_one(reconciler):
    """Find the row's causes and do the effect again for each. Returns how many were done."""
    done, unavailable = 0, 0
    for cause in reconciler.finds():
        arguments = cause if isinstance(cause, tuple) else (cause,)
        try:
            reconciler.redo(*arguments)
        except Exception as error:
            if reconciler.unavailable and isinstance(error, reconciler.unavailable):
                unavailable += 1
                if unavailable >= GIVE_UP_AFTER:
                    logger.warning("Reconciler %s stopped: %s (the next run tries again)", reconciler.name, error)
                    break
                continue
            logger.exception("Reconciler %s failed for %s; the others go on", reconciler.name, cause)
            continue
        unavailable = 0
        done += 1
    return done


def by_name(name):
    return next(reconciler for reconciler in RECONCILERS if reconciler.name == name)
