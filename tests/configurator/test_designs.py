"""Saved designs: save, share read-only, claim at sign-in, re-check after a rule change."""

import pytest

from configurator import services
from configurator.models import ProductFamily, Rule, SavedDesign
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

FRIDGE = "/configure/atelier-fridge/"


def save(client, **values):
    response = client.post(FRIDGE, {"action": "save", "name": "Kitchen fridge", **values})
    assert response.status_code == 302, response.content.decode()[:500]
    return SavedDesign.objects.filter(is_preset=False).latest("pk"), response["Location"]


@pytest.fixture
def owner():
    return CustomerFactory()


@pytest.fixture
def other():
    return CustomerFactory()


def test_signed_in_shopper_saves_and_finds_the_design(client, owner):
    client.force_login(owner)

    design, location = save(client, hinge="left", finish="clay")

    assert design.owner == owner
    assert location == f"/designs/{design.share_token}/"
    assert "Kitchen fridge" in client.get("/designs/").content.decode()


def test_anonymous_design_is_claimed_at_sign_in(client, owner):
    design, _ = save(client, hinge="left")
    assert design.owner is None

    client.post(
        "/accounts/login/",
        {"login-username": owner.email, "login-password": PASSWORD, "login_submit": "1"},
    )

    design.refresh_from_db()
    assert design.owner == owner


def test_share_link_is_read_only_for_others(client, owner, other):
    client.force_login(owner)
    _design, location = save(client, hinge="left")
    client.logout()

    client.force_login(other)
    html = client.get(location).content.decode()

    assert "Door opens on the" in html and "Left" in html
    assert "Edit this design" not in html
    assert "Start from this design" in html


def test_another_customer_cannot_edit_a_design(client, owner, other):
    client.force_login(owner)
    design, _ = save(client, hinge="left")
    client.logout()

    client.force_login(other)
    response = client.post(FRIDGE, {"action": "save", "design": str(design.uuid), "hinge": "right"})

    assert response.status_code == 404
    design.refresh_from_db()
    assert design.values["hinge"] == "left"
    assert client.get(f"{FRIDGE}?design={design.uuid}").status_code == 404


def test_owner_edits_the_same_design(client, owner):
    client.force_login(owner)
    design, _ = save(client, hinge="left")

    client.post(FRIDGE, {"action": "save", "design": str(design.uuid), "hinge": "right"})

    design.refresh_from_db()
    assert design.values["hinge"] == "right"
    assert SavedDesign.objects.filter(owner=owner).count() == 1


def test_design_broken_by_a_rule_change_says_why_and_offers_the_nearest_valid_one(client, owner):
    client.force_login(owner)
    design, location = save(client, hinge="left", handle="strap", finish="clay")
    family = ProductFamily.objects.get(slug="atelier-fridge")
    Rule.objects.create(
        family=family,
        kind="excludes",
        message="Leather straps are no longer made in clay.",
        definition={
            "when": [{"option": "finish", "op": "is", "value": "clay"}],
            "then": [{"option": "handle", "op": "is", "value": "strap"}],
        },
    )
    services.publish_version(family=family)

    html = client.get(location).content.decode()

    assert "This design no longer fits our current options." in html
    assert "Leather straps are no longer made in clay." in html
    assert "Use the suggested design" in html
    assert design.family.versions.count() == 2


def test_other_users_design_list_is_their_own(client, owner, other):
    client.force_login(owner)
    save(client, hinge="left")
    client.logout()

    client.force_login(other)
    assert "Kitchen fridge" not in client.get("/designs/").content.decode()


def test_design_list_needs_sign_in(client):
    assert client.get("/designs/").status_code == 302


def test_other_customers_design_is_404_through_the_service(owner, other):
    design = SavedDesign.objects.create(
        family=ProductFamily.objects.get(slug="atelier-fridge"),
        owner=owner,
        version_number=1,
        values={},
        price=1,
    )
    from django.http import Http404

    from configurator.selectors import design_for

    with pytest.raises(Http404):
        design_for(user=other, uuid=design.uuid)


def test_a_design_deleted_in_another_window_stays_deleted_and_the_edits_are_saved_anew(owner):
    design, _ = services.save_design(family_slug="atelier-fridge", values={"hinge": "left"}, owner=owner)
    stale = SavedDesign.objects.get(pk=design.pk)  # the editing window's copy
    services.delete_design(design=design)

    saved, _ = services.save_design(family_slug="atelier-fridge", values={"hinge": "right"}, owner=owner, design=stale)

    assert not SavedDesign.objects.filter(uuid=design.uuid).exists()  # the old share link stays dead
    assert saved.uuid != design.uuid and saved.owner == owner and saved.values["hinge"] == "right"


def test_saving_an_older_copy_keeps_the_owner_given_meanwhile(owner):
    anonymous, _ = services.save_design(family_slug="atelier-fridge", values={"hinge": "left"})
    stale = SavedDesign.objects.get(pk=anonymous.pk)  # loaded before the shopper signed in
    services.claim_designs(user=owner, design_uuids=[anonymous.uuid])

    services.save_design(family_slug="atelier-fridge", values={"hinge": "right"}, design=stale)

    anonymous.refresh_from_db()
    assert anonymous.owner == owner and anonymous.values["hinge"] == "right"
