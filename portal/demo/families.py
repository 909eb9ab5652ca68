"""Demo configurable families: the fridge, the modular sofa, the printed T-shirt and tote.

Each family is written as the rows a merchandiser would enter, then published through the
same service the admin's "Publish" button uses, so its schema is checked like theirs.
"""

from decimal import Decimal

from django.db import transaction

from configurator import services
from configurator.models import Choice, Option, OptionGroup, ProductFamily, QuantityBreak, Rule

from .catalogue import product


def atom(option, op, value=None, values=None):
    return {"option": option, "op": op, **({"values": values} if values is not None else {"value": value})}


def choices(*rows):
    """(code, name, price, lead_days, swatch) rows; trailing fields optional."""
    result = []
    for row in rows:
        code, name, *rest = row
        price, lead_days, swatch = [*rest, *[0, 0, ""][len(rest) :]]
        result.append(
            {"code": code, "name": name, "price": Decimal(str(price)), "lead_days": lead_days, "swatch": swatch}
        )
    return result


FRIDGE = {
    "slug": "atelier-fridge",
    "name": "The Atelier Fridge",
    "upc": "ATL-FRIDGE",
    "preview": "fridge",
    "base_price": "1299.00",
    "base_cost": "640.00",
    "base_lead_days": 6,
    "options": [
        (
            "Where it goes",
            "country",
            "Destination country",
            "choice",
            {
                "default": "gb",
                "help": "We fit the plug and voltage for it.",
                "choices": choices(
                    ("gb", "United Kingdom"),
                    ("ie", "Ireland"),
                    ("fr", "France"),
                    ("de", "Germany"),
                    ("nl", "Netherlands"),
                    ("us", "United States", 0, 2),
                ),
            },
        ),
        (
            "Doors",
            "hinge",
            "Door opens on the",
            "choice",
            {
                "default": "right",
                "help": "Stand facing the fridge: the side the hinges are on.",
                "choices": choices(("left", "Left"), ("right", "Right")),
            },
        ),
        (
            "Doors",
            "handle",
            "Handle",
            "choice",
            {
                "default": "bar",
                "choices": choices(("bar", "Bar"), ("recessed", "Recessed", 25), ("strap", "Leather strap", 45, 1)),
            },
        ),
        (
            "Finish",
            "finish",
            "Colour",
            "choice",
            {
                "default": "sage",
                "choices": choices(
                    ("sage", "Sage", 0, 0, "#8fa98b"),
                    ("ink", "Ink blue", 0, 0, "#2f4b7c"),
                    ("clay", "Clay", 0, 0, "#c9693e"),
                    ("cream", "Cream", 0, 0, "#efe6d2"),
                    ("steel", "Brushed steel", 120, 2, "#b8bec4"),
                    ("black", "Matte black", 90, 1, "#2b2b2b"),
                ),
            },
        ),
        (
            "Size and layout",
            "capacity",
            "Capacity",
            "choice",
            {
                "default": "380",
                "choices": choices(("300", "300 litres"), ("380", "380 litres", 150), ("450", "450 litres", 300, 1)),
            },
        ),
        (
            "Size and layout",
            "freezer",
            "Freezer",
            "choice",
            {
                "default": "bottom",
                "choices": choices(
                    ("bottom", "Freezer at the bottom"),
                    ("top", "Freezer at the top"),
                    ("none", "No freezer (all fridge)", -100),
                ),
            },
        ),
        (
            "Size and layout",
            "layout",
            "Interior",
            "choice",
            {
                "default": "classic",
                "choices": choices(
                    ("classic", "Classic shelves"), ("chef", "Chef's drawers", 60), ("wine", "Wine rack", 80)
                ),
            },
        ),
        (
            "Water and ice",
            "water_kit",
            "Water connection kit",
            "boolean",
            {"default": "false", "price": 39, "help": "Connects to a cold-water supply behind the fridge."},
        ),
        ("Water and ice", "ice_maker", "Ice maker", "boolean", {"default": "false", "price": 149, "lead_days": 1}),
        (
            "Electrics",
            "voltage",
            "Voltage",
            "choice",
            {"default": "230", "choices": choices(("230", "230 V, 50 Hz"), ("120", "120 V, 60 Hz", 40))},
        ),
        (
            "Electrics",
            "plug",
            "Plug",
            "choice",
            {
                "default": "type_g",
                "choices": choices(
                    ("type_g", "Type G (UK, Ireland)"),
                    ("type_f", "Type F (Schuko)"),
                    ("type_b", "Type B (North America)"),
                ),
            },
        ),
        ("Personal touch", "door_alarm", "Door-open alarm", "boolean", {"default": "false", "price": 15}),
        (
            "Personal touch",
            "engraving",
            "Engraved door plate",
            "text",
            {
                "default": "",
                "required": False,
                "price": 20,
                "lead_days": 1,
                "max_length": 24,
                "pattern": r"^[A-Za-z0-9 '.,!&-]*$",
                "pattern_help": "letters, digits, spaces and . , ! & - '",
                "help": "Up to 24 characters, engraved on a brass plate.",
            },
        ),
    ],
    "rules": [
        (
            "requires",
            "An ice maker needs the water connection kit.",
            {"when": [atom("ice_maker", "is", True)], "then": [atom("water_kit", "is", True)]},
        ),
        (
            "excludes",
            "The ice maker sits in the freezer: choose a freezer to add it.",
            {"when": [atom("freezer", "is", "none")], "then": [atom("ice_maker", "is", True)]},
        ),
        (
            "available_when",
            "The wine rack needs the 380 or 450 litre body.",
            {"option": "layout", "choices": ["wine"], "when": [atom("capacity", "in", values=["380", "450"])]},
        ),
        (
            "available_when",
            "The 450 litre body has its freezer at the bottom, or none.",
            {"option": "capacity", "choices": ["450"], "when": [atom("freezer", "in", values=["bottom", "none"])]},
        ),
        (
            "excludes",
            "Leather straps are not fitted to steel doors.",
            {"when": [atom("finish", "is", "steel")], "then": [atom("handle", "is", "strap")]},
        ),
        (
            "derive",
            "North American homes run on 120 V.",
            {"option": "voltage", "value": "120", "when": [atom("country", "is", "us")]},
        ),
        (
            "derive",
            "European homes run on 230 V.",
            {"option": "voltage", "value": "230", "when": [atom("country", "not_in", values=["us"])]},
        ),
        (
            "derive",
            "UK and Irish sockets take a type G plug.",
            {"option": "plug", "value": "type_g", "when": [atom("country", "in", values=["gb", "ie"])]},
        ),
        (
            "derive",
            "Continental sockets take a type F plug.",
            {"option": "plug", "value": "type_f", "when": [atom("country", "in", values=["fr", "de", "nl"])]},
        ),
        (
            "derive",
            "North American sockets take a type B plug.",
            {"option": "plug", "value": "type_b", "when": [atom("country", "is", "us")]},
        ),
    ],
    "breaks": [],
}

SOFA = {
    "slug": "modular-sofa",
    "name": "The Modular Sofa",
    "upc": "ATL-SOFA",
    "preview": "sofa",
    "base_price": "1450.00",
    "base_cost": "690.00",
    "base_lead_days": 8,
    "options": [
        (
            "Size",
            "modules",
            "Seat modules",
            "integer",
            {
                "default": "3",
                "minimum": 2,
                "maximum": 6,
                "step": 1,
                "unit": "seats",
                "unit_singular": "seat",
                "base_value": 2,
                "price_per_unit": 280,
                "cost_per_unit": 120,
                "help": "Two to six seats, side by side.",
            },
        ),
        (
            "Size",
            "width",
            "Width",
            "integer",
            {
                "default": "220",
                "minimum": 160,
                "maximum": 320,
                "step": 10,
                "unit": "cm",
                "base_value": 160,
                "price_per_unit": 4,
                "cost_per_unit": "1.60",
            },
        ),
        (
            "Size",
            "depth",
            "Depth",
            "integer",
            {
                "default": "95",
                "minimum": 80,
                "maximum": 120,
                "step": 5,
                "unit": "cm",
                "base_value": 80,
                "price_per_unit": 3,
                "cost_per_unit": "1.20",
            },
        ),
        (
            "Shape",
            "chaise",
            "Chaise longue",
            "choice",
            {
                "default": "none",
                "choices": choices(
                    ("none", "None"), ("left", "On the left", 350, 2), ("right", "On the right", 350, 2)
                ),
            },
        ),
        (
            "Fabric",
            "fabric",
            "Fabric",
            "choice",
            {
                "default": "rust",
                "choices": choices(
                    ("oatmeal", "Oatmeal weave", 0, 0, "#d8cbb3"),
                    ("moss", "Moss weave", 0, 0, "#6b7d4f"),
                    ("rust", "Rust weave", 0, 0, "#c9693e"),
                    ("slate", "Slate weave", 0, 0, "#5b6670"),
                    ("velvet", "Navy velvet", 200, 3, "#243b6b"),
                ),
            },
        ),
        (
            "Comfort",
            "fill",
            "Seat fill",
            "choice",
            {"default": "foam", "choices": choices(("foam", "Sprung foam"), ("feather", "Feather and down", 180, 1))},
        ),
        (
            "Legs",
            "legs",
            "Legs",
            "choice",
            {
                "default": "oak",
                "choices": choices(
                    ("oak", "Solid oak", 0, 0, "#b08a5a"),
                    ("walnut", "Walnut", 60, 0, "#6b4a2f"),
                    ("metal", "Black steel", 0, 0, "#2b2b2b"),
                ),
            },
        ),
    ],
    "rules": [
        (
            "constraint",
            "The depth can be at most half the width.",
            {"left": "depth", "op": "lte", "right": {"option": "width", "factor": "0.5", "offset": "0"}},
        ),
        (
            "constraint",
            "Each seat module needs at least 55 cm of width.",
            {"left": "width", "op": "gte", "right": {"option": "modules", "factor": "55", "offset": "0"}},
        ),
        (
            "requires",
            "A chaise needs at least three seat modules.",
            {"when": [atom("chaise", "in", values=["left", "right"])], "then": [atom("modules", "gte", 3)]},
        ),
        (
            "requires",
            "With a chaise, at most five seat modules fit on one frame.",
            {"when": [atom("chaise", "in", values=["left", "right"])], "then": [atom("modules", "lte", 5)]},
        ),
        (
            "excludes",
            "Feather fill is not offered under velvet covers.",
            {"when": [atom("fabric", "is", "velvet")], "then": [atom("fill", "is", "feather")]},
        ),
    ],
    "breaks": [],
}

TEXT_PATTERN = r"^[A-Za-z0-9 '.,!?&-]*$"
TEXT_HELP = "letters, digits, spaces and . , ! ? & - '"

TEE = {
    "slug": "printed-tee",
    "name": "Custom Printed T-shirt",
    "upc": "ATL-TEE",
    "preview": "garment",
    "base_price": "24.00",
    "base_cost": "7.50",
    "base_lead_days": 3,
    "options": [
        (
            "Shirt",
            "colour",
            "Shirt colour",
            "choice",
            {
                "default": "navy",
                "choices": choices(
                    ("white", "White", 0, 0, "#f7f7f2"),
                    ("black", "Black", 0, 0, "#222222"),
                    ("navy", "Navy", 0, 0, "#2f4b7c"),
                    ("sage", "Sage", 0, 0, "#8fa98b"),
                    ("clay", "Clay", 0, 0, "#c9693e"),
                ),
            },
        ),
        (
            "Shirt",
            "size",
            "Size",
            "choice",
            {
                "default": "m",
                "choices": choices(("xs", "XS"), ("s", "S"), ("m", "M"), ("l", "L"), ("xl", "XL"), ("xxl", "XXL", 2)),
            },
        ),
        (
            "Print",
            "print_text",
            "Your text",
            "text",
            {
                "default": "Made for you",
                "min_length": 1,
                "max_length": 40,
                "pattern": TEXT_PATTERN,
                "pattern_help": TEXT_HELP,
                "help": "Up to 40 characters.",
            },
        ),
        (
            "Print",
            "position",
            "Print on",
            "choice",
            {
                "default": "front",
                "choices": choices(("front", "Front"), ("back", "Back"), ("both", "Front and back", 6)),
            },
        ),
        (
            "Print",
            "font",
            "Lettering",
            "choice",
            {"default": "serif", "choices": choices(("serif", "Serif"), ("sans", "Sans"), ("script", "Script"))},
        ),
        (
            "Print",
            "ink",
            "Ink",
            "choice",
            {
                "default": "white",
                "choices": choices(
                    ("white", "White", 0, 0, "#ffffff"),
                    ("black", "Black", 0, 0, "#1f2a37"),
                    ("gold", "Gold", 3, 1, "#c9a227"),
                ),
            },
        ),
        (
            "Order",
            "quantity",
            "How many",
            "quantity",
            {
                "default": "1",
                "minimum": 1,
                "maximum": 500,
                "step": 1,
                "unit": "shirts",
                "unit_singular": "shirt",
                "help": "10% off from 10, 20% from 25, 30% from 50.",
            },
        ),
    ],
    "rules": [
        (
            "excludes",
            "White ink does not show on a white shirt.",
            {"when": [atom("colour", "is", "white")], "then": [atom("ink", "is", "white")]},
        ),
        (
            "excludes",
            "Black ink does not show on a black shirt.",
            {"when": [atom("colour", "is", "black")], "then": [atom("ink", "is", "black")]},
        ),
    ],
    "breaks": [(10, "10"), (25, "20"), (50, "30")],
}

TOTE = {
    "slug": "printed-tote",
    "name": "Custom Printed Tote",
    "upc": "ATL-TOTE",
    "preview": "tote",
    "base_price": "18.00",
    "base_cost": "5.20",
    "base_lead_days": 3,
    "options": [
        (
            "Bag",
            "colour",
            "Canvas",
            "choice",
            {
                "default": "natural",
                "choices": choices(("natural", "Natural", 0, 0, "#e8dcc2"), ("black", "Black", 0, 0, "#222222")),
            },
        ),
        (
            "Print",
            "print_text",
            "Your text",
            "text",
            {
                "default": "Made for you",
                "min_length": 1,
                "max_length": 30,
                "pattern": TEXT_PATTERN,
                "pattern_help": TEXT_HELP,
            },
        ),
        (
            "Print",
            "sides",
            "Printed on",
            "choice",
            {"default": "one", "choices": choices(("one", "One side"), ("both", "Both sides", 5))},
        ),
        (
            "Print",
            "ink",
            "Ink",
            "choice",
            {
                "default": "black",
                "choices": choices(
                    ("black", "Black", 0, 0, "#1f2a37"),
                    ("white", "White", 0, 0, "#ffffff"),
                    ("clay", "Clay", 0, 0, "#b4532a"),
                ),
            },
        ),
        (
            "Order",
            "quantity",
            "How many",
            "quantity",
            {"default": "1", "minimum": 1, "maximum": 500, "step": 1, "unit": "bags", "unit_singular": "bag"},
        ),
    ],
    "rules": [
        (
            "excludes",
            "Black ink does not show on black canvas.",
            {"when": [atom("colour", "is", "black")], "then": [atom("ink", "is", "black")]},
        ),
        (
            "excludes",
            "White ink does not show on natural canvas.",
            {"when": [atom("colour", "is", "natural")], "then": [atom("ink", "is", "white")]},
        ),
    ],
    "breaks": [(10, "10"), (25, "20"), (50, "30")],
}

FAMILIES = [FRIDGE, SOFA, TEE, TOTE]
OPTION_FIELDS = {
    "required", "price", "lead_days", "minimum", "maximum", "step", "unit", "unit_singular", "base_value",
    "price_per_unit", "cost_per_unit", "min_length", "max_length", "pattern", "pattern_help",
}  # fmt: skip


def _create_family(spec):
    family = ProductFamily.objects.create(
        product=product(spec["upc"]),
        slug=spec["slug"],
        name=spec["name"],
        preview=spec["preview"],
        base_price=Decimal(spec["base_price"]),
        base_cost=Decimal(spec["base_cost"]),
        base_lead_days=spec["base_lead_days"],
    )
    groups = {}
    for position, (group_name, code, name, kind, extra) in enumerate(spec["options"]):
        if group_name not in groups:
            groups[group_name] = OptionGroup.objects.create(family=family, name=group_name, position=len(groups))
        option = Option.objects.create(
            family=family,
            group=groups[group_name],
            code=code,
            name=name,
            kind=kind,
            position=position,
            default=extra.get("default", ""),
            help_text=extra.get("help", ""),
            **{key: value for key, value in extra.items() if key in OPTION_FIELDS},
        )
        for index, choice in enumerate(extra.get("choices", [])):
            Choice.objects.create(option=option, position=index, **choice)
    for position, (kind, message, definition) in enumerate(spec["rules"]):
        Rule.objects.create(family=family, kind=kind, message=message, definition=definition, position=position)
    for min_quantity, percent in spec["breaks"]:
        QuantityBreak.objects.create(family=family, min_quantity=min_quantity, discount_percent=Decimal(percent))
    services.publish_version(family=family)


def load_families():
    created = 0
    for spec in FAMILIES:
        if ProductFamily.objects.filter(slug=spec["slug"]).exists():
            continue
        with transaction.atomic():
            _create_family(spec)
        created += 1
    return created
