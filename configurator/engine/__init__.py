"""The configurator engine: pure Python (stdlib and decimal only), no Django.

Public API:
- compile_schema(schema) -> CompiledFamily (raises SchemaError); cache per (family, version)
- check_schema(schema) -> list[str]: deeper problems for staff
- evaluate(compiled, raw_values) -> Evaluation (values must have their options' JSON types)
- form_value(option, strings) -> a form's strings for one option, in the type evaluate takes
- naive_evaluate(compiled, raw_values) -> Evaluation (same result, slow; benchmark baseline)
- quote(compiled, evaluation_or_values) -> Quote
- repair(compiled, raw_values) -> Repair
"""

from .checks import check_schema
from .compile import compile_schema
from .evaluate import evaluate
from .family import CompiledFamily
from .naive import naive_evaluate
from .parse import form_value
from .pricing import quote
from .repair import repair
from .results import (
    Change,
    Evaluation,
    OptionAvailability,
    Problem,
    Quote,
    QuoteLine,
    Repair,
    SchemaError,
)

__all__ = [
    "Change",
    "CompiledFamily",
    "Evaluation",
    "OptionAvailability",
    "Problem",
    "Quote",
    "QuoteLine",
    "Repair",
    "SchemaError",
    "check_schema",
    "compile_schema",
    "evaluate",
    "form_value",
    "naive_evaluate",
    "quote",
    "repair",
]
