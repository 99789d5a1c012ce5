"""The report over HTTP and in the console: JSON, CSV of every table, print view, stored reports, refusals."""

from __future__ import annotations

import csv
import io

import pytest

from access.roles import Role
from reports.stored import generate_due_reports
from tests.factories.reports import NOW, TZ, seed


@pytest.fixture
def site(make_env):
    """The app in Shanghai time with the known data set; a supervisor signed in (cookie)."""
    env = make_env(site={"timezone": TZ})
    with env.session() as s:
        seeded = seed(s)
    boss = env.user(Role.SUPERVISOR, username="boss")
    env.login(boss.username)
    return env, seeded


def _figure(report, section, key):
    (figure,) = [
        f for s in report["sections"] if s["name"] == section for f in s["figures"] if f["key"] == key
    ]
    return figure


def test_report_json_has_every_section_with_the_previous_period(site):
    env, _ = site
    response = env.client.get("/api/v1/reports?period=month&at=2026-11")
    assert response.status_code == 200
    report = response.json()
    assert [s["name"] for s in report["sections"]] == [
        "alerts", "incidents", "disposal", "handovers", "duty_log", "presence", "faults", "footage", "compliance",
    ]  # fmt: skip
    assert _figure(report, "alerts", "alerts") == {
        "key": "alerts",
        "unit": "count",
        "current": 6,
        "previous": 2,
        "change": {"absolute": 4, "percent": 200.0, "note": ""},
    }


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("period=month&at=2026-13", "at", "is not a month"),
        ("period=custom&at=2026-11-20..2026-11-10", "to", "ends before it starts"),
        ("period=shift&at=2026-11-25T08:00", "at", "no shift"),
        ("scope=post:nowhere", "scope", "no post called"),
        ("scope=group:nowhere", "scope", "no camera group"),
    ],
)
def test_a_bad_period_or_scope_is_refused_with_a_clear_422(site, query, field, words):
    env, _ = site
    response = env.client.get(f"/api/v1/reports?{query}")
    assert response.status_code == 422, response.text
    body = response.json()
    assert words in body["detail"]
    assert body["errors"][0]["field"] == field


def test_csv_holds_every_figure_and_table_and_one_table_alone(site):
    env, seeded = site
    response = env.client.get("/api/v1/reports/csv?period=month&at=2026-11")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="report-2026-11-all.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    tables = {(r["section"], r["table"]) for r in rows}
    assert ("alerts", "by_camera") in tables and ("footage", "holds_by_category") in tables
    (p95,) = [r for r in rows if r["item"] == "ack_p95_s"]
    assert (p95["current"], p95["previous"], p95["change"], p95["change_percent"]) == (
        "200.0",
        "100.0",
        "100.0",
        "100.0",
    )
    one = env.client.get("/reports/csv?period=month&at=2026-11&table=alerts.by_camera")
    one_rows = list(csv.DictReader(io.StringIO(one.text)))
    assert [(r["item"], r["current"], r["previous"], r["note"]) for r in one_rows] == [
        (seeded.cam_a.name, "3", "2", ""),
        (seeded.cam_b.name, "3", "0", "new"),
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Periodic report", "Share acknowledged within target", "Alerts per hour of day", "new"]),
        ("zh", ["周期报表", "目标时间内确认比例", "各时段报警数", "新增", "电话"]),
    ],
)
def test_console_page_renders_figures_and_charts_in_both_languages(site, lang, words):
    env, _ = site
    page = env.client.get(f"/reports?period=month&at=2026-11&lang={lang}")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert page.text.count('src="data:image/svg+xml;base64,') == 5  # alerts x2, incidents, disposal, faults


def test_console_page_explains_a_bad_period(site):
    env, _ = site
    page = env.client.get("/reports?period=custom&at=2026-11-20..2026-11-10&lang=en")
    assert page.status_code == 422
    assert "ends before it starts" in page.text


def test_print_view_is_one_print_styled_document(site):
    env, _ = site
    page = env.client.get("/reports/print?period=month&at=2026-11&lang=en")
    assert page.status_code == 200
    assert "@page" in page.text and "Equipment faults" in page.text and "<form" not in page.text


def test_only_supervisors_and_shift_leaders_read_reports(site):
    env, _ = site
    operator = env.user(Role.OPERATOR, username="olga")
    leader = env.user(Role.SHIFT_LEADER, username="lee")
    assert env.client.get("/api/v1/reports", headers=env.token(operator)).status_code == 403
    assert (
        env.client.get("/api/v1/reports?period=day&at=2026-11-02", headers=env.token(leader)).status_code
        == 200
    )


def test_stored_reports_are_listed_and_readable(site):
    env, _ = site
    with env.session() as s:
        made = generate_due_reports(s, NOW, env.settings)
    assert [(r.period_kind, r.period_label) for r in made] == [("month", "2026-11"), ("day", "2026-12-01")]
    listing = env.client.get("/api/v1/reports/stored").json()
    assert listing["total"] == 2
    month_id = next(i["id"] for i in listing["items"] if i["period_kind"] == "month")
    stored = env.client.get(f"/api/v1/reports/stored/{month_id}").json()
    assert _figure(stored, "faults", "open_at_end")["current"] == 2
    page = env.client.get(f"/reports/stored/{month_id}?lang=en")
    assert page.status_code == 200 and "2026-11" in page.text
    assert env.client.get("/reports?lang=en").text.count("/reports/stored/") >= 2
    assert "Equipment faults" in env.client.get(f"/reports/stored/{month_id}/print?lang=en").text
    stored_csv = env.client.get(f"/reports/stored/{month_id}/csv?table=faults.figures").text
    assert "faults,figures,open_at_end,count,2,1,1,100.0," in stored_csv
    assert env.client.get("/api/v1/reports/stored/999999").status_code == 404
