import django.db.models.functions.text
from django.db import migrations, models


def store_addresses_lower_case(apps, schema_editor):
    """Existing addresses in the one spelling the site now stores (see portal/users/emails.py).

    Two accounts whose addresses differ only in case cannot both keep theirs: the migration
    stops and names them, for an administrator to merge or close one before migrating again.
    """
    User = apps.get_model("users", "User")
    lower = models.functions.Lower(models.functions.Trim("email"))
    clashes = (
        User.objects.annotate(canonical=lower)
        .values("canonical")
        .annotate(accounts=models.Count("id"))
        .filter(accounts__gt=1)
        .values_list("canonical", flat=True)
    )
    if clashes:
        raise RuntimeError(f"Accounts whose addresses differ only in case: {', '.join(clashes)}")
    for user in User.objects.exclude(email=lower).only("email").iterator():
        User.objects.filter(pk=user.pk).update(email=user.email.strip().lower())


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(store_addresses_lower_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="users_user_email_case_insensitive_unique",
                violation_error_message="A user with that email address already exists",
            ),
        ),
    ]
