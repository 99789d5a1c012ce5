"""Charts of a report, drawn server-side with matplotlib (Agg) as SVG: hours, ack times, faults, channels.

Text stays text in the SVG (`svg.fonttype = none`), so the browser draws Chinese labels with its own
fonts; matplotlib measures them with Droid Sans Fallback or Noto CJK when installed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reports.schemas import ReportData, Series

__all__ = ["CHARTS", "render_charts"]

# (section, series key, value names to draw in order)
CHARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("alerts", "by_hour", ("current", "previous")),
    ("alerts", "ack_histogram", ("current", "previous")),
    ("faults", "per_day", ("opened", "fixed")),
    ("incidents", "by_channel", ("current", "previous")),
    ("disposal", "by_type", ("current", "previous")),
)
_COLOURS = {"current": "#1f5fa8", "previous": "#a9b8c9", "opened": "#c0392b", "fixed": "#27ae60"}
_LOCK = threading.Lock()  # pyplot's state is global; one figure at a time
_CJK_FONTS = ["DejaVu Sans", "Noto Sans CJK SC", "Droid Sans Fallback", "WenQuanYi Zen Hei"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "controlroom",
            "font.family": [f for f in _CJK_FONTS if f in installed] or ["sans-serif"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _bars(
    series: Series, names: Sequence[str], legend: Callable[[str], str], tick: Callable[[str], str]
) -> str:
    plt = _pyplot()
    present = [n for n in names if n in series.values]
    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    try:
        width = 0.8 / max(1, len(present))
        xs = range(len(series.labels))
        for i, name in enumerate(present):
            offset = (i - (len(present) - 1) / 2) * width
            ax.bar(
                [x + offset for x in xs], series.values[name], width, label=legend(name), color=_COLOURS[name]
            )
        step = max(1, len(series.labels) // 16)
        ax.set_xticks(list(xs)[::step], [tick(label) for label in series.labels][::step])
        ax.yaxis.get_major_locator().set_params(integer=True)
        if len(present) > 1:
            ax.legend(frameon=False, fontsize=8)
        fig.subplots_adjust(left=0.07, right=0.99, top=0.95, bottom=0.13)  # fixed: tight_layout costs a draw
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        return out.getvalue()
    finally:
        plt.close(fig)


def render_charts(
    report: ReportData, *, legend: Callable[[str], str], tick: Callable[[str], str] | None = None
) -> Mapping[str, str]:
    """SVG text per chart (`section.series`); `legend` names value lists, `tick` translates x labels."""
    found = {(s.name, x.key): x for s in report.sections for x in s.series}
    out: dict[str, str] = {}
    with _LOCK:
        for section, key, names in CHARTS:
            series = found.get((section, key))
            if series is None:
                continue
            if key == "per_day":
                labeller: Callable[[str], str] = lambda label: label[8:]  # noqa: E731 - day of month
            else:
                labeller = tick or str
            out[f"{section}.{key}"] = _bars(series, names, legend, labeller)
    return out
