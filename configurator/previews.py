"""Drawing parameters for the SVG previews, one function per kind of product.

Each turns a configuration's values into numbers and colours for its template
(`configurator/previews/<kind>.svg`). Unknown or missing options fall back to a sensible
look, so a new family of a known kind still draws. Text is passed through as text: the
templates escape it.
"""

FONTS = {"serif": "Georgia, serif", "sans": "Helvetica, Arial, sans-serif", "script": "'Brush Script MT', cursive"}


def _swatch(swatches, option, value, fallback):
    return (swatches.get(option) or {}).get(value) or fallback


def _dark(hex_colour):
    """A darker shade for outlines and shadows, from a #rrggbb colour."""
    try:
        red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, TypeError, IndexError):
        return "#444444"
    return f"#{int(red * 0.78):02x}{int(green * 0.78):02x}{int(blue * 0.78):02x}"


def fridge(values, swatches):
    body = _swatch(swatches, "finish", values.get("finish"), "#8fa98b")
    height = {"300": 210, "380": 240, "450": 266}.get(str(values.get("capacity")), 240)
    top = 290 - height
    freezer = values.get("freezer", "bottom")
    split = {"bottom": top + height * 0.62, "top": top + height * 0.34}.get(freezer)
    hinge_left = values.get("hinge") == "left"
    handle_x = 238 if hinge_left else 152
    return {
        "body": body,
        "outline": _dark(body),
        "top": top,
        "height": height,
        "split": split,
        "hinge_left": hinge_left,
        "hinge_x": 142 if hinge_left else 254,
        "handle_x": handle_x,
        "handle": values.get("handle", "bar"),
        "ice_maker": bool(values.get("ice_maker")),
        "dispenser_x": 160 if hinge_left else 196,
        "dispenser_y": (split or top + 40) - 70 if freezer == "bottom" else (split or top) + 30,
        "engraving": values.get("engraving") or "",
        "door_alarm": bool(values.get("door_alarm")),
        "steel": values.get("finish") == "steel",
    }


def sofa(values, swatches):
    fabric = _swatch(swatches, "fabric", values.get("fabric"), "#c9693e")
    legs = _swatch(swatches, "legs", values.get("legs"), "#b08a5a")
    modules = max(1, int(values.get("modules") or 3))
    width_cm = int(values.get("width") or 220)
    depth_cm = int(values.get("depth") or 95)
    chaise = values.get("chaise", "none")
    # Scale 320 cm to 340 px; the seat band is as deep as the sofa.
    width = width_cm * 340 / 320
    left = 200 - width / 2
    arm = 22
    seat_width = (width - 2 * arm) / modules
    seat_depth = 40 + (depth_cm - 80) * 0.6
    cushions = [{"x": left + arm + index * seat_width + 2, "width": seat_width - 4} for index in range(modules)]
    chaise_x = None
    if chaise == "left":
        chaise_x = left + arm + 2
    elif chaise == "right":
        chaise_x = left + arm + (modules - 1) * seat_width + 2
    return {
        "fabric": fabric,
        "shade": _dark(fabric),
        "legs": legs,
        "left": left,
        "width": width,
        "arm": arm,
        "cushions": cushions,
        "seat_depth": seat_depth,
        "seat_y": 150,
        "chaise_x": chaise_x,
        "chaise_width": seat_width - 4,
        "velvet": values.get("fabric") == "velvet",
        "feather": values.get("fill") == "feather",
    }


def garment(values, swatches):
    shirt = _swatch(swatches, "colour", values.get("colour"), "#2f4b7c")
    ink = _swatch(swatches, "ink", values.get("ink"), "#ffffff")
    position = values.get("position", "front")
    text = values.get("print_text") or ""
    return {
        "shirt": shirt,
        "shade": _dark(shirt),
        "ink": ink,
        "text": text,
        "font": FONTS.get(values.get("font"), FONTS["serif"]),
        "font_size": max(11, min(26, int(300 / max(len(text), 1)))),
        "views": ["front", "back"] if position == "both" else [position],
        "size": str(values.get("size", "m")).upper(),
    }


def tote(values, swatches):
    bag = _swatch(swatches, "colour", values.get("colour"), "#e8dcc2")
    ink = _swatch(swatches, "ink", values.get("ink"), "#1f2a37")
    text = values.get("print_text") or ""
    return {
        "bag": bag,
        "shade": _dark(bag),
        "ink": ink,
        "text": text,
        "font_size": max(11, min(24, int(260 / max(len(text), 1)))),
        "both_sides": values.get("sides") == "both",
    }


DRAWINGS = {"fridge": fridge, "sofa": sofa, "garment": garment, "tote": tote}
