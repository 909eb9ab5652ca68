"""Shop forms: a field's help text is the one its widget names in aria-describedby."""

import re

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_fields_help_text_is_announced_with_the_field(client):
    client.force_login(CustomerFactory())
    html = client.get("/accounts/profile/edit/").content.decode()

    field = re.search(r'<input[^>]*name="current_password"[^>]*>', html).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    assert re.search(rf'<small[^>]*id="{described_by}"[^>]*>\s*Needed only to change your email address.', html)
