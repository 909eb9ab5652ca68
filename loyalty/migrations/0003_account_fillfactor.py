from django.db import migrations


def leave_room_for_updates(apps, schema_editor):
    # The nightly recompute rewrites most accounts: free space in each page lets PostgreSQL
    # update them in place (HOT), without new index entries.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE loyalty_loyaltyaccount SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0002_nightly_friendly_indexes")]
    operations = [migrations.RunPython(leave_room_for_updates, migrations.RunPython.noop)]
