"""The rule file validates like the main config: key path and reason for every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.alerting import AlertSettings
from core.errors import ConfigError
from shift_logs.rules.model import (
    DEFAULT_RULES_FILE,
    RULE_IDS,
    alert_settings_from,
    default_rules,
    load_duty_rules,
)


def test_the_default_file_holds_every_rule_with_a_clause() -> None:
    rules = default_rules()
    for rule_id in RULE_IDS:
        assert getattr(rules.rules, rule_id).clause
    assert "max_continuous_duty" in DEFAULT_RULES_FILE.read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules:\n  coffee_break: {clause: D2}\n", "rules.coffee_break: unknown rule id"),
        ("rules:\n  inactivity: {clause: D2, params: {minutes: soon}}\n", "rules.inactivity.params.minutes:"),
        (
            "rules:\n  min_rest: {clause: D1, params: {hours: -2}}\n",
            "rules.min_rest.params.hours: must be >= 0",
        ),
        (
            "rules:\n  screen_break: {clause: D2, params: {after_minutes: 800}}\n",
            "rules.screen_break.params.after_minutes: a break after 800 min never comes",
        ),
        ("rules:\n  inactivity: {clause: R11}\n", "rules.inactivity.clause:"),
        ("rules:\n  inactivity: {clause: D2, severity: maybe}\n", "rules.inactivity.severity:"),
        ("- a list\n", "the top level must be a mapping"),
    ],
)
def test_a_bad_rule_file_names_the_key_path_and_reason(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_duty_rules(path)
    assert expected in str(caught.value)


def test_the_rules_set_the_acknowledgement_targets_of_the_alerts() -> None:
    data = default_rules().model_dump()
    data["rules"]["ack_targets"]["params"] = {"high_s": 10, "normal_s": 20}
    from shift_logs.rules.model import DutyRules

    effective = alert_settings_from(DutyRules.model_validate(data), AlertSettings())
    assert (effective.ack_target_high_s, effective.ack_target_normal_s) == (10, 20)
