"""Opening a dashboard menu the way a person does, once the page can answer the click.

The menus are Bootstrap dropdowns: their script runs when the page has loaded. After a form
posts and redirects, the new page's text is visible before that, and a click that comes
first opens nothing (CI under load saw it)."""

from playwright.sync_api import expect


def open_dashboard_menu(page, name):
    page.wait_for_load_state("load")
    button = page.get_by_role("button", name=name)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
