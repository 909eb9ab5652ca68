"""From a routing template and an ordered configuration to the operations of a work order.

Pure over plain values (the steps are read once by the caller), so the rules that make a left
hinge cost 20 minutes of setup or a sofa 45 minutes per module are tested without a database.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class StepSpec:
    code: str
    name: str
    sequence: int
    minutes: int
    setup: int
    per_piece: int
    rules: tuple
    work_center_ids: tuple[int, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class Applied:
    """One rule that changed a step for a configuration: the option it names, the option's
    value, and the minutes of setup and work it added (`per_unit` when counted per unit)."""

    option: str
    value: object
    setup: int
    minutes: int
    per_unit: int | None = None


@dataclass(frozen=True)
class OperationSpec:
    code: str
    name: str
    sequence: int
    minutes: int
    setup: int
    work_center_ids: tuple[int, ...]
    after: tuple[str, ...]
    # What this configuration changed at this step, rule by rule (for the traveler's words).
    applied: tuple[Applied, ...] = ()


def _matches(value, expected):
    # Configurations store booleans and numbers as JSON; rules may be written either way.
    if isinstance(expected, bool) or isinstance(value, bool):
        return str(value).lower() == str(expected).lower()
    return str(value) == str(expected)


def _number(value):
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return 0


def applied_rules(rules, values: dict) -> tuple[Applied, ...]:
    """The step's rules that apply to this configuration, with what each adds; the one reading
    of `rules` that both the minutes and the traveler's words come from."""
    applied = []
    for rule in rules:
        value = values.get(rule.get("option"))
        if value is None:
            continue
        if "equals" in rule:
            if _matches(value, rule["equals"]):
                applied.append(Applied(rule["option"], value, int(rule.get("setup", 0)), int(rule.get("minutes", 0))))
        else:
            per_unit = int(rule.get("per_unit", 0))
            applied.append(Applied(rule["option"], value, 0, per_unit * _number(value), per_unit))
    return tuple(applied)


def operation_for(step: StepSpec, values: dict, quantity: int) -> OperationSpec:
    """One step's minutes and setup for this configuration and run length."""
    applied = applied_rules(step.rules, values)
    minutes = step.minutes + step.per_piece * max(1, quantity) + sum(rule.minutes for rule in applied)
    setup = step.setup + sum(rule.setup for rule in applied)
    return OperationSpec(
        code=step.code,
        name=step.name,
        sequence=step.sequence,
        minutes=max(1, minutes),
        setup=setup,
        work_center_ids=step.work_center_ids,
        after=step.after,
        applied=applied,
    )


def derive_operations(steps: list[StepSpec], values: dict, quantity: int) -> list[OperationSpec]:
    """The work order's operations, in routing order. A step with no work center is kept as is:
    the planner then reports it (no eligible work center) instead of dropping work silently."""
    return [operation_for(step, values, quantity) for step in sorted(steps, key=lambda s: s.sequence)]


def is_rush(values: dict, rush_option: str) -> bool:
    if not rush_option:
        return False
    value = values.get(rush_option)
    return value not in (None, False, "", "false", "False", "no", "standard", 0)


def finishing_steps(steps: list[StepSpec]) -> list[StepSpec]:
    """The steps nothing comes after (inspect and pack): what a repair runs, the piece being
    mended where it is checked, without the steps before (which would make it again)."""
    followed = {code for step in steps for code in step.after}
    return [StepSpec(**{**step.__dict__, "after": ()}) for step in steps if step.code not in followed]
