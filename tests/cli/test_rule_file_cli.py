"""An invalid duty-rule file stops the service before it starts: exit 2, one line per problem naming the key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules:\n  coffee_break: {clause: D2}\n", "rules.coffee_break: unknown rule id"),
        (
            "rules:\n  min_rest: {clause: D1, params: {hours: -1}}\n",
            "rules.min_rest.params.hours: must be >= 0",
        ),
    ],
)
def test_serve_refuses_an_invalid_rule_file_with_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    rules = tmp_path / "duty_rules.yaml"
    rules.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "CONTROLROOM_DATABASE__URL": f"sqlite:///{tmp_path / 'never-created.db'}",
        "CONTROLROOM_DUTY_RULES__FILE": str(rules),
    }
    done = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "serve", "--port", "1"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert not (tmp_path / "never-created.db").exists()
