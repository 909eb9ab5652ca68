"""Where a remake shows once staff have started it: the planner's board and the shopper's order timeline."""

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def planner_sees_the_remake(browser, shop, ticket):
    planning = browser.new_context()
    board = planning.new_page()
    sign_in(board, shop, "planner@atelier.example", "atelier-planner")
    board.goto(f"{shop}/dashboard/production/?view=week")
    expect(board.get_by_text(f"Remake for {ticket.reference}").first).to_be_visible()
    planning.close()


def shopper_sees_the_remake_on_the_timeline(page, shop, order_number):
    page.goto(f"{shop}/accounts/orders/{order_number}/")
    remake_entry = page.locator(".timeline__remake")
    expect(remake_entry).to_contain_text("Remake in production:")
    expect(remake_entry).to_contain_text("promised to ship by")
    assert_accessible(page)
