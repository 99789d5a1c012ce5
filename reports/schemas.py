"""The shape of a computed report: sections of figures and tables (each beside the previous period), series.

A report is plain data (stored as JSON in `stored_reports`, rendered to the console page, CSV, HTML, PDF).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from core.schemas import ReadSchema, StrictSchema

__all__ = [
    "Change",
    "Figure",
    "ReportData",
    "Row",
    "SectionData",
    "Series",
    "StoredReportRead",
    "Table",
    "Unit",
]

Unit = Literal["count", "seconds", "minutes", "share"]
Number = int | float


class Change(StrictSchema):
    """Current minus previous, and in percent of previous; `note` is `new` (zero base) or `n/a`."""

    absolute: Number | None
    percent: float | None
    note: Literal["", "new", "n/a"] = ""


class Figure(StrictSchema):
    """One figure of a section with the previous period's value."""

    key: str
    unit: Unit
    current: Number | None
    previous: Number | None
    change: Change


class Row(StrictSchema):
    """One row of a breakdown table (e.g. one camera)."""

    label: str
    current: Number
    previous: Number
    change: Change


class Table(StrictSchema):
    """A breakdown: counts by camera, kind, outcome, channel ..."""

    key: str
    unit: Unit
    rows: list[Row]


class Series(StrictSchema):
    """Data of one chart: labels along the x axis, one or more named value lists."""

    key: str
    labels: list[str]
    values: dict[str, list[Number]]


class SectionData(StrictSchema):
    """One section; `scoped` is False when the section's data cannot be narrowed to the chosen scope."""

    name: str
    scoped: bool
    figures: list[Figure]
    tables: list[Table]
    series: list[Series]


class ReportData(StrictSchema):
    """A whole report for a period and scope."""

    period_kind: str
    period_label: str
    start: dt.datetime
    end: dt.datetime
    previous_label: str
    previous_start: dt.datetime
    previous_end: dt.datetime
    scope: str
    timezone: str
    generated_at: dt.datetime
    sections: list[SectionData]

    def section(self, name: str) -> SectionData:
        """The section called `name` (KeyError when absent)."""
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)


class StoredReportRead(ReadSchema):
    """A stored report without its figures."""

    id: int
    period_kind: str
    period_label: str
    scope: str
    period_start: dt.datetime
    period_end: dt.datetime
    generated_at: dt.datetime
