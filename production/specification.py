"""A work order's specification, and what each choice changes at a step, in a worker's words.

Pure over plain values (the options of the family version the line was bought with, the ordered
values, the rules a step applied), so the words are tested without a database. They are worked
out once, at release, and stored: a later change to the family's schema or to the routing never
rewrites a traveler already on the floor. Work orders released before (their specification
[code, value] pairs) are put into words when printed, where the schema still knows the codes.
"""

from configurator.describe import describe_options


def plain_text(value):
    """A value in words without its option's schema: "Yes"/"No", a list joined, else as stored."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def specification_rows(options, values):
    """The specification stored on a work order: [label, text, code] per option with a value,
    in the schema's order. Without `options` (the version is not known) the code stands as the
    label, so nothing ordered is left off the traveler."""
    if options is None:
        return [[code, plain_text(value), code] for code, value in sorted(values.items()) if value not in (None, "")]
    return [[name, text, code] for code, name, text in describe_options(options, values)]


def readable_specification(rows, options=None, values=None):
    """(label, text) pairs to print. Rows in words (three items) are printed as stored; an older
    work order's [code, value] pairs are put into words through `options` where they still know
    the code (the values read from `values`, the configuration as ordered), the code left
    visible where they do not."""
    if all(len(row) == 3 for row in rows):
        return [(label, text) for label, text, _code in rows]
    known = {code: (name, text) for code, name, text in describe_options(options or [], values or {})}
    named = {option["code"] for option in options or []}
    readable = []
    for row in rows:
        if len(row) == 3:
            readable.append((row[0], row[1]))
        elif row[0] in known:
            readable.append(known[row[0]])
        elif row[0] not in named:
            readable.append((row[0], row[1]))
        # else an option the schema leaves out of the words (the line's quantity, an empty value)
    return readable


def words_by_code(options, values):
    """{option code: (label, value in words)}, the quantity too: what a step's rule names."""
    return {code: (name, text) for code, name, text in describe_options(options or [], values, with_quantity=True)}


def _minutes(number):
    return f"+{number} min" if number >= 0 else f"\u2212{-number} min"


def change_words(applied, words):
    """What each applied rule (`routing.Applied`) changes at the step, in words:
    "Door opens on the: Left — +20 min setup", "Seat modules: 3 modules — +135 min (3 × 45 min)".
    Rules that change nothing (a zero count) are left out."""
    lines = []
    for rule in applied:
        if not rule.setup and not rule.minutes:
            continue
        label, text = words.get(rule.option, (rule.option, plain_text(rule.value)))
        effects = []
        if rule.setup:
            effects.append(f"{_minutes(rule.setup)} setup")
        if rule.minutes:
            effect = _minutes(rule.minutes)
            if rule.per_unit is not None:
                effect += f" ({rule.minutes // rule.per_unit} \u00d7 {rule.per_unit} min)"
            effects.append(effect)
        lines.append(f"{label}: {text} \u2014 {', '.join(effects)}")
    return lines
