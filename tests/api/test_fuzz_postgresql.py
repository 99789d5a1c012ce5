"""The fuzzer of `test_fuzz` on PostgreSQL, in a file of its own so that the suite's processes share the two runs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.api.test_fuzz import _report, fuzz
from tests.support.app_env import Env
from tests.support.own_pg import own_pg_url

__all__ = ["own_pg_url"]  # the fixture, imported for pytest

pytestmark = pytest.mark.slow


@pytest.mark.postgres
def test_fuzz_the_whole_api_on_postgresql(make_env: Callable[..., Env], own_pg_url: str) -> None:
    counts = fuzz(make_env(own_pg_url))
    _report("postgresql", counts)
    assert counts["5xx"] == 0 and counts["requests"] > 100
