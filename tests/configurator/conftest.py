"""The compiled example families most engine tests start from (compiled once per module)."""

import pytest

from configurator.engine import compile_schema
from tests.configurator.engine_examples import fridge, sofa


@pytest.fixture(scope="module")
def fridge_family():
    return compile_schema(fridge())


@pytest.fixture(scope="module")
def sofa_family():
    return compile_schema(sofa())
