"""Every maintenance console string exists in English and Simplified Chinese, and every key a template
uses is defined."""

from __future__ import annotations

import json
import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[3] / "api" / "console"
LOCALES = {
    lang: json.loads((CONSOLE / "locales" / lang / "maintenance.json").read_text("utf-8"))
    for lang in ("en", "zh")
}


def test_english_and_chinese_have_the_same_keys_and_no_empty_strings():
    assert set(LOCALES["en"]) == set(LOCALES["zh"])
    assert all(v.strip() for strings in LOCALES.values() for v in strings.values())


def test_every_literal_key_in_the_maintenance_templates_is_translated():
    used = set()
    for template in (CONSOLE / "templates").glob("maintenance_*.html"):
        used |= set(re.findall(r"t\('(maint\.[a-z_.]+|nav\.[a-z_]+)'", template.read_text("utf-8")))
    missing = sorted(k for k in used if k not in LOCALES["en"] and not k.endswith("."))
    assert used and not missing


def test_every_state_severity_kind_and_event_has_a_label():
    from maintenance.lifecycle import Action, FaultState
    from maintenance.models import EquipmentKind, Severity

    keys = [f"maint.state.{s.value}" for s in FaultState]
    keys += [f"maint.severity.{s.value}" for s in Severity]
    keys += [f"maint.kind.{k.value}" for k in EquipmentKind]
    keys += [f"maint.event.{a.value}" for a in Action]
    keys += [f"maint.action.{a.value}" for a in Action if a is not Action.AUTO_FIX]
    assert [k for k in keys if k not in LOCALES["en"]] == []
