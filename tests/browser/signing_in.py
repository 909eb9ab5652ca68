"""Signing in through the real login form, as every browser test's shopper or planner does."""

SHOPPER_PASSWORD = "atelier-shopper"  # the demo shoppers' password (portal/demo)


def sign_in(page, shop, email, password=SHOPPER_PASSWORD):
    page.goto(shop + "/accounts/login/")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.get_by_role("button", name="Log In").click()
