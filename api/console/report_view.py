"""How a report reads on screen and on paper: numbers by unit, translated labels, charts as SVG images.

Shared by the console page, the print view and `controlroom report --format html|pdf`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.console.i18n import format_datetime, translate
from reports.charts import render_charts
from reports.schemas import Change, Number, ReportData

__all__ = ["print_html", "view_values"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _seconds(value: float) -> str:
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def fmt(value: Number | None, unit: str) -> str:
    """A value in its unit: 12, 50.0 s, 3.5 h, 210 min, 82.5%; a share with nothing to divide is "—"."""
    if value is None:
        return "—" if unit == "share" else "–"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        return _seconds(float(value))
    if unit == "minutes":
        return f"{value:g} min"
    return f"{value:g}" if isinstance(value, float) else str(value)


def fmt_change(change: Change, unit: str, t: Callable[..., str]) -> tuple[str, str]:
    """(absolute, percent) texts of a change; a zero base says `new` or `n/a` instead of a percent."""
    if change.absolute is None:
        return "–", t("report.change.na")
    value = change.absolute
    sign = "+" if value > 0 else "-" if value < 0 else ""
    size = f"{abs(value) * 100:.1f} pp" if unit == "share" else fmt(abs(value), unit)
    if change.percent is None:
        return sign + size, t("report.change.new" if change.note == "new" else "report.change.na")
    return sign + size, f"{'+' if change.percent > 0 else ''}{change.percent:.1f}%"


def view_values(report: ReportData, lang: str, *, with_charts: bool = True) -> dict[str, Any]:
    """Everything the report templates need besides the report itself."""

    def t(key: str, **params: object) -> str:
        return translate(lang, key, **params)

    def label(value: str) -> str:
        """A row or tick label: the report's own word, else an alert kind, a presence problem or a duty rule
        in the reader's words (never the raw key), else the value itself (a camera's or a person's name)."""
        for key in (f"report.label.{value}", f"kind.{value}", f"shift.flag.{value}", f"rule.{value}"):
            text = t(key)
            if text != key:
                return text
        return value

    charts: dict[str, str] = {}
    if with_charts:
        svgs = render_charts(report, legend=lambda name: t(f"report.legend.{name}"), tick=label)
        charts = {
            key: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
            for key, svg in svgs.items()
        }
    return {
        "report": report,
        "charts": charts,
        "fmt": fmt,
        "fmt_change": lambda change, unit: fmt_change(change, unit, t),
        "label": label,
        "rt": t,
        "local_at": lambda value: format_datetime(value, report.timezone),
    }


def print_html(report: ReportData, lang: str, *, site_name: str) -> str:
    """The whole report as one print-styled HTML document (charts embedded)."""
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]))
    template = env.get_template("report_print.html")
    return template.render(
        lang=lang,
        t=lambda key, **p: translate(lang, key, **p),
        site_name=site_name,
        csv_href=None,
        **view_values(report, lang),
    )
