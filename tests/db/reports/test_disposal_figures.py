"""The disposal report over a seeded month (tests/factories/disposal.py), against the month before."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from access.roles import Role
from api.console.disposal import GROUPS, disposal_html
from api.console.report_view import fmt, print_html
from config.settings import Settings
from reports.export import to_csv
from reports.service import build_report
from tests.conftest import make_settings
from tests.factories.access import make_user
from tests.factories.disposal import seed_disposal
from tests.factories.reports import NOW, TZ, local
from tests.factories.shift_logs import make_report

# key: (November, October)
EXPECTED: dict[str, tuple[Any, Any]] = {
    "received": (6, 1),
    "anonymous": (1, 0),
    "related": (1, 0),
    "collective_visits": (1, 0),
    "joint_letters": (1, 0),
    "accepted_due": (5, 1),
    "accepted_in_time": (4, 1),
    "accepted_in_time_share": (0.8, 1.0),
    "refused": (1, 0),
    "handled_directly": (3, 1),
    "transferred": (1, 0),
    "supervised": (1, 0),
    "leader_owned": (1, 0),
    "concluded": (3, 1),
    "result_due": (3, 1),
    "concluded_in_time": (2, 1),
    "concluded_in_time_share": (0.6667, 1.0),
    "substantiated": (1, 0),
    "partly": (1, 0),
    "unsubstantiated": (0, 1),
    "false_accusation": (1, 0),
    "substantiated_share": (0.3333, 0.0),
    "partly_share": (0.3333, 0.0),
    "unsubstantiated_share": (0.0, 1.0),
    "false_accusation_share": (0.3333, 0.0),
    "clarified": (1, 0),
    "answered": (2, 0),
    "visited": (2, 0),
    "satisfied": (1, 0),
    "satisfaction_share": (0.5, None),
    "reviewed": (1, 0),
}


def _settings() -> Settings:
    settings = make_settings("sqlite://")
    return settings.model_copy(update={"site": settings.site.model_copy(update={"timezone": TZ})})


def test_every_disposal_figure_of_the_seeded_month_and_the_month_before(session: Session) -> None:
    seed_disposal(session)
    report = build_report(session, period="month", at="2026-11", scope="all", settings=_settings(), now=NOW)
    section = report.section("disposal")
    assert {f.key: (f.current, f.previous) for f in section.figures} == EXPECTED
    tables = {t.key: {r.label: (r.current, r.previous) for r in t.rows} for t in section.tables}
    assert tables["by_channel"] == {"phone": (2, 1), "letter": (2, 0), "walk_in": (1, 0), "online": (1, 0)}
    assert tables["by_type"] == {
        "accusation": (3, 1),
        "appeal": (1, 0),
        "suggestion": (1, 0),
        "other": (1, 0),
    }
    assert tables["by_finding"] == {
        "pending": (3, 0),
        "false_accusation": (1, 0),
        "substantiated": (1, 0),
        "partly": (1, 0),
        "unsubstantiated": (0, 1),
    }
    csv = to_csv(report, table="disposal.figures")
    assert "disposal,figures,satisfaction_share,share,0.5,—," in csv
    assert "Wang Fang" not in csv and "138" not in csv.replace("0.138", "")


def _rows(page: str, marker: str) -> dict[str, list[str]]:
    """Each `<tr data-key=...>` of a printed table: its label and its cells, as text."""
    found = re.findall(rf'<tr {marker}="([^"]+)">(.*?)</tr>', page, flags=re.S)
    return {
        key: [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)] for key, body in found
    }


@pytest.mark.parametrize(
    ("lang", "headings", "words"),
    [
        (
            "zh",
            [
                "一、受理情况",
                "二、按渠道和类型",
                "三、办理情况",
                "四、办理结果",
                "五、发现的问题",
                "六、下一步工作",
            ],
            {"phone": "电话", "accusation": "检举控告", "false_accusation": "诬告"},
        ),
        (
            "en",
            [
                "1. Reports received",
                "2. By channel and type",
                "3. Handling",
                "4. Outcomes",
                "5. Problems found",
                "6. Next steps",
            ],
            {
                "phone": "phone",
                "accusation": "accusation / complaint",
                "false_accusation": "False accusation",
            },
        ),
    ],
)
def test_the_printed_disposal_report_of_the_seeded_month_carries_every_figure(
    session: Session, lang: str, headings: list[str], words: dict[str, str]
) -> None:
    seed_disposal(session)
    report = build_report(session, period="month", at="2026-11", scope="all", settings=_settings(), now=NOW)
    page = disposal_html(
        report, lang, site_name="East Gate", problems="late replies", next_steps="agree times"
    )
    titles = [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]
    assert titles == headings
    printed = _rows(page, "data-key")
    units = {f.key: f.unit for f in report.section("disposal").figures}
    for key in (k for keys in GROUPS.values() for k in keys):
        now_, before = EXPECTED[key]
        assert printed[key][1:3] == [fmt(now_, units[key]), fmt(before, units[key])], key
    assert printed["satisfaction_share"][2] == "—"  # October had no return visit: nothing to divide
    assert "—" not in "".join(printed["false_accusation"])
    assert printed["false_accusation"][0] == words["false_accusation"]
    cells = re.findall(r'<table data-table="by_channel">(.*?)</table>', page, flags=re.S)[0]
    assert f'<td>{words["phone"]}</td><td class="num">2</td><td class="num">1</td>' in cells
    assert words["accusation"] in page and "late replies" in page and "agree times" in page
    assert "Wang Fang" not in page and "rep." not in page and "report.fig" not in page


def test_answered_in_time_share_is_a_dash_when_no_report_was_due(session: Session) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    make_report(session, opened_by=lead, now=local(2026, 11, 28))  # acceptance due in December
    report = build_report(session, period="month", at="2026-11", scope="all", settings=_settings(), now=NOW)
    figures = {f.key: f for f in report.section("incidents").figures}
    assert figures["reports"].current == 1 and figures["reports_due"].current == 0
    assert figures["reports_answered_in_time_share"].current is None
    assert "incidents,figures,reports_answered_in_time_share,share,—,—," in to_csv(report)
    for lang in ("en", "zh"):
        page = print_html(report, lang, site_name="Room")
        row = page.split('data-key="incidents.reports_answered_in_time_share"')[1].split("</tr>")[0]
        assert '<td class="num">—</td>' in row and "0.0%" not in row
