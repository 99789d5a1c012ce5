"""Console pages of maintenance render in English and Chinese; their forms refuse bad input clearly."""

from __future__ import annotations

import datetime as dt

import pytest

from access.roles import Role
from core.clock import utcnow
from maintenance import checks, faults
from maintenance.models import Severity
from tests.factories.maintenance import T0, make_equipment


@pytest.fixture
def site(env):
    """A maintenance user signed in (cookie + CSRF), an operator's fault, a due check."""
    tech = env.user(Role.MAINTENANCE, username="mia")
    with env.session() as s:
        monitor = make_equipment(
            s, name="wall monitor 1", interval_days=1, now=T0, checklist=["dust", "colours"]
        )
        fault = faults.report(
            s, equipment_id=monitor.id, title="flickers", severity=Severity.HIGH, user=None, now=utcnow()
        )
        (check,) = checks.generate_due_checks(s, T0 + dt.timedelta(days=1))
        ids = {"equipment": monitor.id, "fault": fault.id, "check": check.id}
    csrf = env.login(tech.username)
    return {"csrf": {"X-CSRF-Token": csrf}, **ids, "tech": tech}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Equipment faults", "Report a fault", "flickers"]),
        ("zh", ["设备故障", "报告故障", "flickers"]),
    ],
)
def test_faults_panel_renders_in_both_languages(env, site, lang, words):
    page = env.client.get(f"/faults?lang={lang}")
    assert page.status_code == 200
    for word in words:
        assert word in page.text


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/maintenance", ["My faults", "flickers"]),
        ("/maintenance/equipment", ["wall monitor 1", "Register equipment"]),
        ("/maintenance/checks", ["Due maintenance checks", "colours", "Record check as done"]),
    ],
)
def test_maintenance_pages_render_for_maintenance_staff(env, site, path, words):
    page = env.client.get(path + "?lang=en")
    assert page.status_code == 200
    for word in words:
        assert word in page.text


def test_fault_page_offers_only_the_steps_the_lifecycle_and_role_allow(env, site):
    page = env.client.get(f"/faults/{site['fault']}?lang=en").text
    assert "Assign" in page and "Reject" in page
    assert "Verify fix" not in page and "Start work" not in page
    zh = env.client.get(f"/faults/{site['fault']}?lang=zh").text
    assert "分派" in zh and "处理记录" in zh


def test_console_forms_walk_the_lifecycle_and_refuse_illegal_steps_with_a_problem(env, site):
    url = f"/faults/{site['fault']}"
    ok = env.client.post(
        f"{url}/decide/assign",
        data={"assignee_id": site["tech"].id},
        headers=site["csrf"],
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == url
    refused = env.client.post(f"{url}/decide/verify", data={"note": "x"}, headers=site["csrf"])
    assert refused.status_code == 409 and "cannot verify" in refused.json()["detail"]
    assert (
        env.client.post(f"{url}/work/fix", data={}, headers=site["csrf"], follow_redirects=False).status_code
        == 303
    )
    assert "Verify fix" in env.client.get(url + "?lang=en").text


def test_console_photo_upload_refuses_a_non_image(env, site):
    response = env.client.post(
        f"/faults/{site['fault']}/photos",
        files={"photo": ("x.png", b"not a png", "image/png")},
        headers=site["csrf"],
    )
    assert response.status_code == 422 and response.json()["code"] == "photo_refused"


def test_console_check_form_records_ticked_items_and_notes(env, site):
    response = env.client.post(
        f"/maintenance/checks/{site['check']}/complete",
        data={"ok": ["0"], "item_note": ["", "faded red"], "note": "monitor ageing"},
        headers=site["csrf"],
        follow_redirects=False,
    )
    assert response.status_code == 303
    done = env.client.get("/api/v1/maintenance/checks?state=done").json()["items"][0]
    assert done["checklist"] == [
        {"item": "dust", "ok": True, "note": ""},
        {"item": "colours", "ok": False, "note": "faded red"},
    ]


def test_report_form_with_unknown_equipment_is_404(env, site):
    response = env.client.post("/faults", data={"equipment_id": 999, "title": "x"}, headers=site["csrf"])
    assert response.status_code == 404 and response.json()["code"] == "equipment_not_found"
