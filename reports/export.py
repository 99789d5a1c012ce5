"""Every figure and table of a report as CSV (one file, or one table)."""

from __future__ import annotations

import csv
import io

from reports.schemas import Change, Number, ReportData

__all__ = ["HEADER", "to_csv"]

HEADER = ["section", "table", "item", "unit", "current", "previous", "change", "change_percent", "note"]


def _num(value: Number | None) -> str:
    return "" if value is None else str(value)


def _text(value: str) -> str:
    """Neutralise spreadsheet formulas in free text (categories, organisations) opened in Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _figure(value: Number | None, unit: str) -> str:
    """A figure; a share with nothing to divide is "—" (not 0 and not empty)."""
    return "—" if value is None and unit == "share" else _num(value)


def _tail(change: Change) -> list[str]:
    return [_num(change.absolute), _num(change.percent), change.note]


def to_csv(report: ReportData, *, table: str | None = None) -> str:
    """The report's figures (table `figures`) and breakdown tables; `table` = `section.key` picks one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section in report.sections:
        if table in (None, f"{section.name}.figures"):
            for f in section.figures:
                writer.writerow(
                    [
                        section.name,
                        "figures",
                        f.key,
                        f.unit,
                        _figure(f.current, f.unit),
                        _figure(f.previous, f.unit),
                        *_tail(f.change),
                    ]
                )
        for t in section.tables:
            if table not in (None, f"{section.name}.{t.key}"):
                continue
            for row in t.rows:
                writer.writerow(
                    [
                        section.name,
                        t.key,
                        _text(row.label),
                        t.unit,
                        row.current,
                        row.previous,
                        *_tail(row.change),
                    ]
                )
    return out.getvalue()
