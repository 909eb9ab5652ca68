"""Build the demo shop. Idempotent: each step creates only what is missing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.cli import add_progress_argument, progress
from portal.demo import analytics as value_analytics
from portal.demo import care as customer_care
from portal.demo import (
    catalogue,
    content,
    delivery,
    designs,
    families,
    help_centre,
    loyalty,
    orders,
    people,
    reminders,
    wallet,
)
from portal.demo import cohorts as cohort_history
from portal.demo import production as factory
from portal.demo import roi as campaign_roi
from portal.demo import surveys as customer_surveys

STEPS = [
    ("wagtail roots", content.load_wagtail_roots),
    ("countries", catalogue.load_countries),
    ("shipping methods", catalogue.load_shipping_methods),
    ("products", catalogue.load_products),
    ("configurable families", families.load_families),
    ("sites", content.load_sites),
    ("home page", content.load_home_page),
    ("content pages", content.load_content_pages),
    ("story pages", content.load_story_pages),
    ("contact form", content.load_contact_form),
    ("product content", content.load_product_content),
    ("navigation", content.load_navigation),
    ("footer", content.load_footer),
    ("help centre", help_centre.load_help_centre),
    ("help links", help_centre.load_help_links),
    ("groups", people.load_groups),
    ("editors' product content", content.load_editor_product_content_permission),
    ("help workflow", help_centre.load_help_workflow),
    ("users", people.load_users),
    ("orders", orders.load_orders),
    ("saved designs", designs.load_designs),
    # Tiers before the week's work orders: a Gold customer's order weighs more in the plan.
    ("loyalty tiers", loyalty.load_tiers),
    ("loyalty rules", loyalty.load_rules),
    # After the tiers, before the points: these orders earn theirs like the others (the line costs,
    # and with them the orders' families, are frozen at the end).
    ("cohort and promise history", cohort_history.load_history),
    ("points history", loyalty.load_history),
    ("factory", factory.load_factory),
    ("planner permission", factory.load_planner_permission),
    ("work orders", factory.load_work_orders),
    ("two-person delivery for large goods", delivery.load_large_goods),
    ("delivery slots", delivery.load_slots),
    ("points for the week's orders", loyalty.load_history),
    ("reminder rules", reminders.load_rules),
    ("reminder messages", reminders.load_messages),
    ("sent reminders", reminders.load_sent_reminders),
    ("ticket topics", customer_care.load_topics),
    ("service agent", customer_care.load_agent),
    ("tickets", customer_care.load_tickets),
    ("surveys", customer_surveys.load_surveys),
    ("gift card", wallet.load_gift_card),
    ("store credit", wallet.load_store_credit),
    # Last: the paid orders' line costs read the families, routings and work center rates above.
    ("stocked products' costs", value_analytics.load_product_costs),
    ("order line costs", value_analytics.load_line_costs),
    ("merchandiser", value_analytics.load_merchandiser),
    ("reminder hold-outs for the ROI page", campaign_roi.load_roi_sends),
    # After the line costs: a customer's class is read from their 12-month contribution.
    ("value classes", value_analytics.load_value_classes),
]


class Command(BaseCommand):
    help = "Load the demo shop: products, pages, staff and shoppers with order history. Safe to run again."

    def add_arguments(self, parser):
        add_progress_argument(parser)

    def handle(self, *args, **options):
        created = {}
        bar = progress(STEPS, options=options, desc="Demo shop", unit="step")
        for name, step in bar:
            bar.set_postfix_str(name)
            # One transaction per step: Ctrl-C keeps the steps already done.
            with transaction.atomic():
                created[name] = step()
        total = sum(created.values())
        if total:
            summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo shop loaded: created {summary}."))
        else:
            self.stdout.write("Demo shop already loaded: nothing to change.")
        self.stdout.write("\nDemo logins (email / password: where):")
        for login in people.LOGINS:
            self.stdout.write(f"  {login.email:26} / {login.password:16} {login.role}: {login.where}")
