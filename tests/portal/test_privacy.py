"""The privacy notice: a Wagtail page, linked from the footer, both registration forms and the data page."""

import re

import pytest
from django.core.cache import cache

from portal.cms.models import FooterLink, HomePage, PrivacyPage
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def privacy_links(html):
    return re.findall(r'<a href="/privacy/">([^<]+)</a>', html)


def test_the_privacy_notice_is_a_published_page_with_its_date(client):
    response = client.get("/privacy/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Privacy notice</h1>" in html
    assert '<time datetime="2026-11-30">30 November 2026</time>' in html
    assert "Reminders, only with your agreement" in html
    assert "privacy@atelier.example" in html


def test_there_is_one_privacy_notice():
    assert PrivacyPage.objects.live().count() == 1
    assert not PrivacyPage.can_create_at(HomePage.objects.get())


def test_every_page_links_the_notice_from_the_footer_once(client):
    html = client.get("/catalogue/").content.decode()

    footer = html[html.index('<footer class="site-footer">') :]
    assert privacy_links(footer) == ["Privacy notice"]


def test_the_footer_links_the_notice_even_when_editors_removed_its_link(client):
    FooterLink.objects.filter(link_page__slug="privacy").delete()
    cache.clear()

    html = client.get("/catalogue/").content.decode()

    footer = html[html.index('<footer class="site-footer">') :]
    assert privacy_links(footer) == ["Privacy notice"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/"])
def test_both_registration_forms_link_the_notice(client, path):
    html = client.get(path).content.decode()

    form = html[html.index('id="register_form"') : html.index("</form>", html.index('id="register_form"'))]
    assert privacy_links(form) == ["Read how we use your details in our privacy notice."]


def test_the_data_page_links_the_notice(client):
    client.force_login(CustomerFactory())
    html = client.get("/accounts/data/").content.decode()

    content = html[html.index('id="data-export"') : html.index('id="data-delete"')]
    assert privacy_links(content) == ["Read how we use your data in our privacy notice"]


def test_the_login_page_has_one_h1(client):
    html = client.get("/accounts/login/").content.decode()

    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Log in or create an account"]
