from django.db import migrations


class Migration(migrations.Migration):
    """OrderConfirmation belongs to the documents app now (documents 0001); its table stays."""

    dependencies = [
        ("payments", "0002_order_confirmation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OrderConfirmation")],
            database_operations=[],
        ),
    ]
