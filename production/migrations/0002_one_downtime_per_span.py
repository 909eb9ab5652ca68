"""One downtime per work center and span: a double click recorded the same closure twice."""

from django.db import migrations, models


def drop_repeated_spans(apps, schema_editor):
    """Keep the first of each repeated (work center, start, end); the repeats closed nothing more."""
    Downtime = apps.get_model("production", "Downtime")
    seen = set()
    for down in Downtime.objects.order_by("pk").only("pk", "work_center_id", "start", "end"):
        key = (down.work_center_id, down.start, down.end)
        if key in seen:
            down.delete()
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("production", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_repeated_spans, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="downtime",
            constraint=models.UniqueConstraint(fields=("work_center", "start", "end"), name="one_downtime_per_span"),
        ),
    ]
