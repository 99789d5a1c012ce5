"""Schemathesis over the whole OpenAPI, signed in as each role, on SQLite and PostgreSQL: no server error, every
response matches the schema, every 4xx is a problem+json body (a 422 names the field).

Bounded for the suite: FUZZ_EXAMPLES examples per operation (default 5, valid and invalid input mixed).
A longer run for a report: `FUZZ_EXAMPLES=100 .venv/bin/pytest tests/api/test_fuzz.py -s` (prints the counts).
Streaming routes (SSE, MJPEG, live MP4), camera-network routes (ONVIF, PTZ) and logout are left out: they hold
the connection open or reach out to the fuzzed addresses; they have their own tests.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from access.roles import Role
from tests.support.app_env import Env

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SKIP = (
    "/alerts/stream",
    "/mjpeg",
    "/live.mp4",
    "/ptz/",
    "/cameras/onvif",
    "/auth/logout",
    "/playbacks/{ticket}/media",
)


def _skipped(path: str) -> bool:
    return any(part in path for part in SKIP)


def _check_problem(response: Any) -> None:
    status = response.status_code
    if 400 <= status < 500:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/problem+json"), (
            status,
            response.text[:300],
        )
        body = response.json()
        assert body["status"] == status and body["code"]
        if status == 422:
            assert body["errors"] or body["code"] != "validation_error", body


def fuzz(env: Env) -> Counter[str]:
    """Run every operation with EXAMPLES generated cases, each as a random role; return the counts."""
    tokens = {role: env.token(env.user(role)) for role in Role}
    schema = schemathesis.openapi.from_asgi("/openapi.json", env.app)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if _skipped(operation.path):
            continue
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
            generation_mode=GenerationMode.NEGATIVE
        )
        run = _runner(tokens, strategy, counts, failures)
        run()
    assert failures == [], "\n".join(failures[:20])
    return counts


def _runner(
    tokens: dict[Role, dict[str, str]],
    strategy: st.SearchStrategy[Any],
    counts: Counter[str],
    failures: list[str],
) -> Callable[[], None]:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, role=st.sampled_from(list(Role)))
    def run(case: Any, role: Role) -> None:
        headers = {**(case.headers or {}), **tokens[role]}
        response = case.call(headers=headers)
        counts["requests"] += 1
        counts[f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            _check_problem(response)
        except AssertionError as exc:
            failures.append(f"{case.method} {case.formatted_path} as {role}: {str(exc)[:400]}")
        except Exception as exc:  # schemathesis' own failure types
            failures.append(f"{case.method} {case.formatted_path} as {role}: {str(exc)[:400]}")

    return run


def _report(name: str, counts: Counter[str]) -> None:
    print(f"\nfuzz {name}: {dict(counts)}")  # noqa: T201 - the counts for the report (-s)


def test_fuzz_the_whole_api_on_sqlite(env: Env) -> None:
    counts = fuzz(env)
    _report("sqlite", counts)
    assert counts["5xx"] == 0 and counts["requests"] > 100
