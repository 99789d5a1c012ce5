"""Migration 0200 moves existing reports onto the follow-through stages (SQLite file, fresh)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db.session import make_engine
from runtime.migrate import upgrade
from tests.conftest import make_settings


def test_existing_reports_get_a_stage_a_code_and_their_open_deadline(tmp_path: Path) -> None:
    engine = make_engine(make_settings(f"sqlite:///{tmp_path / 'm.db'}").database)
    try:
        upgrade(engine, "0050")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, username, display_name, password_hash, language, disabled, failed_logins) "
                    "VALUES (1, 'olga', 'Olga', 'x', 'en', 0, 0)"
                )
            )
            for n, state in enumerate(("open", "acknowledged", "closed"), start=1):
                conn.execute(
                    text(
                        "INSERT INTO shift_incidents (id, source, channel, reporter_name, reporter_contact, "
                        "category, content, place, opened_by_id, state, ack_due_at, result_due_at, closed_at, "
                        "outcome) VALUES (:id, 'report', 'phone', 'W', '', 'theft', 'c', '', 1, :state, "
                        "'2026-01-15 00:00:00', '2026-03-01 00:00:00', :closed, :outcome)"
                    ),
                    {
                        "id": n,
                        "state": state,
                        "closed": "2026-01-20 00:00:00" if state == "closed" else None,
                        "outcome": "found" if state == "closed" else "",
                    },
                )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT stage, ref_code, report_type, due_kind, due_at, decision_text FROM shift_incidents ORDER BY id"
                )
            ).all()
        assert [r[0] for r in rows] == ["received", "accepted", "concluded"]
        assert [r[1] for r in rows] == ["R1", "R2", "R3"]
        assert {r[2] for r in rows} == {"other"}
        assert [r[3] for r in rows] == ["acceptance", "result", None]
        assert str(rows[0][4]).startswith("2026-01-15") and str(rows[1][4]).startswith("2026-03-01")
        assert rows[2][5] == "found"
    finally:
        engine.dispose()
