"""A covering index for the nightly recompute (PostgreSQL only).

The recompute aggregates every customer's purchases; with (user_id) INCLUDE (status, date_placed,
total_incl_tax) PostgreSQL reads the index alone, already grouped by customer, instead of the wide
order rows into a hash table of a million customers (measured: 3.2 s against 4.9 s for 5 million
orders). Built CONCURRENTLY so that deploying it does not block checkouts on a live shop.
"""

from django.db import migrations

NAME = "loyalty_order_purchases_by_user"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("order", "Order")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON "{table}" (user_id) '
        "INCLUDE (status, date_placed, total_incl_tax)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("loyalty", "0005_tier_change_kinds"),
        ("order", "0021_billingaddress_code_shippingaddress_code"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
