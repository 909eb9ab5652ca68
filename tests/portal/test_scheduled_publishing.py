"""What editors schedule in Wagtail goes live or expires when due: pages and the menu and footer snippets.

Time passes by moving Django's clock (`django.utils.timezone.now`, which Wagtail and the task read).
"""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from portal.celery import app
from portal.cms import tasks
from portal.cms.models import ContentPage, HomePage
from portal.cms.navigation import NavigationLink, NavigationMenu, SiteFooter

pytestmark = pytest.mark.django_db


@contextmanager
def clock_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def new_page(slug, **schedule):
    """A content page under the home page, published now with the given go_live_at / expire_at."""
    home = HomePage.objects.get()
    page = home.add_child(instance=ContentPage(title=slug.title(), slug=slug, live=False, **schedule))
    page.save_revision().publish()
    return ContentPage.objects.get(pk=page.pk)


def in_an_hour():
    return timezone.now().replace(microsecond=0) + timedelta(hours=1)  # stored to the millisecond


def header(client):
    html = client.get("/catalogue/").content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_the_beat_runs_scheduled_publishing_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled"]

    assert entry == {"task": "portal.cms.tasks.publish_scheduled", "schedule": 60.0}
    assert entry["task"] in app.tasks


def test_a_page_scheduled_to_go_live_appears_when_its_time_comes(client):
    go_live = in_an_hour()
    page = new_page("winter-sale", go_live_at=go_live)
    assert (page.live, client.get("/winter-sale/").status_code) == (False, 404)

    assert tasks.publish_scheduled()["published"] == []  # not yet due
    with clock_at(go_live + timedelta(minutes=1)):
        run = tasks.publish_scheduled()

    assert run == {"unpublished": [], "published": [f"contentpage {page.pk} (revision {page.latest_revision_id})"],
                   "failed": []}  # fmt: skip
    page.refresh_from_db()
    assert (page.live, page.live_revision_id, page.go_live_at) == (True, page.latest_revision_id, go_live)
    assert client.get("/winter-sale/").status_code == 200
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count() == 1
    with clock_at(go_live + timedelta(minutes=2)):
        assert tasks.publish_scheduled()["published"] == []  # once only


def test_an_expired_page_disappears(client):
    expire = in_an_hour()
    page = new_page("autumn-sale", expire_at=expire)
    assert client.get("/autumn-sale/").status_code == 200

    assert tasks.publish_scheduled()["unpublished"] == []
    with clock_at(expire + timedelta(minutes=1)):
        run = tasks.publish_scheduled()

    assert run == {"unpublished": [f"page {page.pk}"], "published": [], "failed": []}
    page.refresh_from_db()
    assert (page.live, page.expired) == (False, True)
    assert client.get("/autumn-sale/").status_code == 404
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish.scheduled").count() == 1


def test_a_menu_change_scheduled_in_wagtail_reaches_the_header_when_due(client):
    menu = NavigationMenu.objects.get(slug="main")
    assert menu.live_revision_id  # live from a revision, as editors keep it
    assert "Winter sale" not in header(client)  # and the header cached, as every page renders it
    go_live = in_an_hour()
    menu.links.add(NavigationLink(label="Winter sale", link_url="/catalogue/"))
    menu.go_live_at = go_live
    menu.save_revision().publish()

    assert "Winter sale" not in header(client)  # scheduled: the live menu is unchanged
    with clock_at(go_live + timedelta(minutes=1)):
        run = tasks.publish_scheduled()

    assert run["published"] == [f"navigationmenu {menu.pk} (revision {menu.latest_revision.pk})"]
    assert "Winter sale" in header(client)


def test_an_expired_footer_leaves_the_site(client):
    footer = SiteFooter.objects.filter(live=True).order_by("pk").first()
    strapline = footer.strapline
    assert strapline in client.get("/catalogue/").content.decode()
    footer.expire_at = in_an_hour()
    footer.save_revision().publish()

    with clock_at(footer.expire_at + timedelta(minutes=1)):
        run = tasks.publish_scheduled()

    assert run["unpublished"] == [f"sitefooter {footer.pk}"]
    assert strapline not in client.get("/catalogue/").content.decode()


def test_one_page_that_fails_does_not_keep_the_others_from_going_live(client, caplog):
    go_live = in_an_hour()
    broken = new_page("broken-sale", go_live_at=go_live)
    fine = new_page("fine-sale", go_live_at=go_live + timedelta(minutes=5))
    publish = Revision.publish

    def publish_or_fail(revision, *args, **kwargs):
        if revision.object_id == str(broken.pk):
            raise RuntimeError("a block that no longer renders")
        return publish(revision, *args, **kwargs)

    with mock.patch.object(Revision, "publish", publish_or_fail), clock_at(go_live + timedelta(minutes=10)):
        run = tasks.publish_scheduled()

    assert run["failed"] == [f"contentpage {broken.pk} (revision {broken.latest_revision_id})"]
    assert run["published"] == [f"contentpage {fine.pk} (revision {fine.latest_revision_id})"]
    assert client.get("/fine-sale/").status_code == 200
    assert client.get("/broken-sale/").status_code == 404
    assert Revision.objects.get(pk=broken.latest_revision_id).approved_go_live_at == go_live  # tried again next run
    assert f"Scheduled publishing failed for contentpage {broken.pk}" in caplog.text
