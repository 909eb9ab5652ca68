from django.db import migrations, models


class Migration(migrations.Migration):
    """An operation of a cancelled order is withdrawn (portal's cancellation, before production starts)."""

    dependencies = [
        ("production", "0004_work_center_rates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="operation",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "Planned"),
                    ("started", "Started"),
                    ("finished", "Finished"),
                    ("blocked", "Blocked"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="planned",
                max_length=10,
            ),
        ),
    ]
