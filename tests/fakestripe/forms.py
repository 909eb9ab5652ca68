"""Stripe's form encoding: nested `a[b][c]` keys, `a[]` and `a[0]` lists, and per-endpoint schemas.

stripe-python sends v1 bodies and GET query strings as `application/x-www-form-urlencoded`
with bracketed keys (`metadata[order]=1`, `payment_method_types[0]=card`, see
`stripe/_encode._api_encode`); browsers and hand-written clients use `a[]=x`. `parse_form` turns
either into nested dicts and lists. `validate` then checks the tree against an endpoint's
schema the way Stripe does: unknown keys are refused with `parameter_unknown` naming the full
bracketed path, so a typo in application code fails loudly instead of being ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .errors import StripeError, parameter_invalid, parameter_missing, parameter_unknown

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")

# A list being built from `a[]` keys, kept apart from dicts until the tree is complete.
_APPEND = object()


def _malformed(key: str) -> StripeError:
    return parameter_invalid(key, f"Invalid parameter name: {key}")


def parse_form(body: str | bytes) -> dict[str, Any]:
    """Decode a form body or query string into nested dicts.

    `a[0]`/`a[1]` become a dict keyed "0", "1" (turned into a list by `validate` when the schema
    says list, because `metadata[0]` is a legal metadata key); `a[]` always makes a list.
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    tree: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True, strict_parsing=False):
        match = _KEY.match(key)
        if not match:
            raise _malformed(key)
        path = [match.group(1), *_PART.findall(match.group(2))]
        node = tree
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            if part == "":
                # `a[]`: only meaningful as the final segment, appending a scalar.
                if not last or not isinstance(node, list):
                    raise _malformed(key)
                node.append(value)
                break
            nxt_is_append = not last and path[depth + 1] == ""
            if isinstance(node, list):
                raise _malformed(key)
            if last:
                if part in node:
                    raise parameter_invalid(key, f"Received the parameter {key} more than once.")
                node[part] = value
            else:
                child = node.setdefault(part, [] if nxt_is_append else {})
                if isinstance(child, str) or isinstance(child, list) != nxt_is_append:
                    raise _malformed(key)
                node = child
    return tree


# --- schemas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    max_length: int = 5000


@dataclass(frozen=True)
class Int:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Bool:
    pass


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Metadata:
    """Stripe metadata: at most 50 keys of 40 characters, values of 500; `""` unsets."""


@dataclass(frozen=True)
class Range:
    """A timestamp filter: `created=123` or `created[gte]=123` (gt, gte, lt, lte)."""


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    """The parameters one endpoint accepts; `expand` is accepted everywhere, as on Stripe."""

    fields: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()


def _name(prefix: str, key: str) -> str:
    return f"{prefix}[{key}]" if prefix else key


def _check(spec: Any, value: Any, name: str) -> Any:
    # Stripe reads an empty string as "unset this field".
    if value == "" and not isinstance(spec, Metadata):
        return None
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            raise parameter_invalid(name, f"Invalid object: {name} must be a dictionary.", "parameter_invalid_object")
        return _check_fields(spec.fields, spec.required, value, name)
    if isinstance(spec, ListOf):
        if isinstance(value, dict):
            if not all(k.isdigit() for k in value):
                raise parameter_invalid(name, f"Invalid array: {name} must be an array.", "parameter_invalid_array")
            value = [value[k] for k in sorted(value, key=int)]
        if not isinstance(value, list):
            raise parameter_invalid(name, f"Invalid array: {name} must be an array.", "parameter_invalid_array")
        return [_check(spec.item, item, f"{name}[{i}]") for i, item in enumerate(value)]
    if isinstance(spec, Range):
        if isinstance(value, dict):
            return _check(Obj({op: Int() for op in ("gt", "gte", "lt", "lte")}), value, name)
        return {"eq": _check(Int(), value, name)}
    if isinstance(spec, Metadata):
        if value == "":
            return ""
        if not isinstance(value, dict):
            raise parameter_invalid(name, "Invalid object: metadata must be a dictionary.", "parameter_invalid_object")
        if len(value) > 50:
            raise parameter_invalid(name, "You can have at most 50 metadata keys.")
        for key, item in value.items():
            if not isinstance(item, str):
                raise parameter_invalid(f"{name}[{key}]", "Metadata values must be strings.")
            if len(key) > 40:
                raise parameter_invalid(f"{name}[{key}]", "Metadata keys must be at most 40 characters.")
            if len(item) > 500:
                raise parameter_invalid(f"{name}[{key}]", "Metadata values must be at most 500 characters.")
        return dict(value)
    if not isinstance(value, str):
        raise parameter_invalid(name, f"Invalid {name}: expected a single value, not a hash or an array.")
    if isinstance(spec, Str):
        if len(value) > spec.max_length:
            raise parameter_invalid(name, f"Invalid {name}: must be at most {spec.max_length} characters.")
        return value
    if isinstance(spec, Int):
        if not re.fullmatch(r"-?\d+", value):
            raise parameter_invalid(name, f"Invalid integer: {value}", "parameter_invalid_integer")
        number = int(value)
        if spec.minimum is not None and number < spec.minimum:
            raise parameter_invalid(
                name, f"Invalid {name}: must be at least {spec.minimum}", "parameter_invalid_integer"
            )
        if spec.maximum is not None and number > spec.maximum:
            raise parameter_invalid(
                name, f"Invalid {name}: must be at most {spec.maximum}", "parameter_invalid_integer"
            )
        return number
    if isinstance(spec, Bool):
        if value not in ("true", "false"):
            raise parameter_invalid(name, f"Invalid boolean: {value}", "parameter_invalid_boolean")
        return value == "true"
    if isinstance(spec, Enum):
        if value not in spec.values:
            raise parameter_invalid(name, f"Invalid {name}: must be one of {', '.join(spec.values)}")
        return value
    raise TypeError(f"unknown schema node {spec!r}")  # a bug in a schema, not a client error


def _check_fields(fields: dict[str, Any], required: tuple[str, ...], tree: dict[str, Any], prefix: str):
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = _name(prefix, key)
        if key not in fields:
            raise parameter_unknown(name)
        out[key] = _check(fields[key], value, name)
    for key in required:
        if out.get(key) is None:
            raise parameter_missing(_name(prefix, key))
    return out


def validate(schema: Schema, tree: dict[str, Any]) -> dict[str, Any]:
    """Return the tree with typed values (ints, bools, lists), or raise a 400 StripeError."""
    fields = {"expand": ListOf(Str()), **schema.fields}
    return _check_fields(fields, schema.required, tree, "")
