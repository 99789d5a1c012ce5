"""Every section, figure, table and chart of the report has its English and Chinese name."""

from __future__ import annotations

import pytest

from api.console.i18n import translations
from reports.charts import CHARTS
from reports.sections import SECTIONS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_report_string_exists_in_both_languages(lang):
    strings = translations(lang)
    wanted = [f"report.section.{s.name}" for s in SECTIONS]
    for spec in SECTIONS:
        for key in spec.units:
            kind = "table" if key.startswith(("by_", "flags", "requests_by", "holds_by")) else "fig"
            wanted.append(f"report.{kind}.{spec.name}.{key}")
    wanted += [f"report.chart.{section}.{key}" for section, key, _ in CHARTS]
    assert [key for key in wanted if key not in strings] == []
