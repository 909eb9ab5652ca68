import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """OrderConfirmation, moved from the payments app: the state only, its table already exists."""

    initial = True

    dependencies = [
        ("order", "0021_billingaddress_code_shippingaddress_code"),
        ("payments", "0003_order_confirmation_to_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OrderConfirmation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("skipped", models.CharField(blank=True, max_length=255)),
                        (
                            "order",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="confirmation",
                                to="order.order",
                            ),
                        ),
                    ],
                    options={"db_table": "payments_orderconfirmation"},
                ),
            ],
            database_operations=[],
        ),
    ]
