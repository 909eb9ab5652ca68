"""The named blanks of a canned reply, filled from the ticket: pure text work, no Django.

Editors write the bodies in the CMS, so a body is untrusted text. It is never given to
str.format or a template engine (`{ticket.user.password}` or `{0.__class__}` would reach
into the objects passed in); a blank is only one of BLANKS, written `{name}`, and is
replaced by plain text. Anything else in braces, a doubled brace, a lone one, a blank
the ticket has no value for, stays as written, so the agent sees what still needs words.
"""

import re

BLANKS = ("first_name", "reference", "order_number", "agent_name")

# `{name}` and not `{{name}}`: a doubled brace is the editor's, left alone like any other.
_BLANK = re.compile(r"(?<!\{)\{(" + "|".join(BLANKS) + r")\}(?!\})")


def fill_blanks(body, values):
    """`body` with each known blank that has a non-empty value in `values` replaced by it."""

    def filled(match):
        value = values.get(match[1])
        return str(value) if value not in (None, "") else match[0]

    return _BLANK.sub(filled, body)
