"""A configuration in words: what a shopper chose, as they would say it."""


def describe(options, values):
    """(option name, chosen value as text) for each option with a value, quantity left out."""
    pairs = []
    for option in options:
        value = values.get(option["code"])
        if value in (None, "", []) or option["kind"] == "quantity":
            continue
        names = {choice["code"]: choice["name"] for choice in option.get("choices", [])}
        if isinstance(value, list):
            text = ", ".join(names.get(item, item) for item in value)
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        else:
            text = f"{names.get(value, value)} {option.get('unit') or ''}".strip()
        pairs.append((option["name"], text))
    return pairs


def summary_text(pairs):
    return "; ".join(f"{name}: {text}" for name, text in pairs)
