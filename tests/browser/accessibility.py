"""An axe-core scan inside the browser tests: no critical or serious violation on a page a person uses.

axe-core comes with the axe-playwright-python package (pinned in requirements-dev.txt), so
nothing is fetched at run time; the script is injected into the page Playwright has open.
"""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("critical", "serious")

_axe = Axe()


def violations(page, *, context=None):
    """axe-core's violations on the page as it is now (every impact).

    Waits for the page to be at rest first: scanned half-loaded, before its stylesheet applies,
    or while a part is dimmed for a live update, a page reports contrast it does not have.
    The script (about half a megabyte) is evaluated once per document, not once per scan: the
    package's own `Axe.run` evaluates it every time, a fifth of each scan.
    """
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    results = page.evaluate(
        "([context, options]) => context ? axe.run(context, options) : axe.run(options)",
        [context, {"resultTypes": ["violations"]}],
    )
    return results["violations"]


def blocking_violations(page, *, context=None):
    """The critical and serious violations on the page as it is now, one line each."""
    lines = []
    for violation in violations(page, context=context):
        if violation["impact"] not in BLOCKING:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return lines


def assert_accessible(page, *, context=None):
    """Fail with every blocking violation on the page, named by rule and element."""
    lines = blocking_violations(page, context=context)
    assert not lines, f"axe on {page.url}:\n" + "\n".join(lines)
