"""`{% if user|may_open:url %}`: show a staff link or button only to whom may open it."""

from django import template

from portal import dashboard_access

register = template.Library()


@register.filter
def may_open(user, url):
    return dashboard_access.may_open_url(user, url)


@register.filter
def may_open_dashboard(user):
    """The storefront header's dashboard link: the answer is kept per user (dashboard_access)."""
    return dashboard_access.may_open_dashboard(user)
