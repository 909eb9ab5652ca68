"""Wagtail's account page, filled in as a browser sends it back (for the tests that change it)."""


def wagtail_account_form(client):
    """Every field of Wagtail's account page as it stands, as the browser would send it back."""
    page = client.get("/cms/account/")
    assert page.status_code == 200
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            if panel.name in ("password", "avatar"):
                continue
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value not in (None, False):
                    data[form.add_prefix(name)] = value
    return data
