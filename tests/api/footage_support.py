"""The footage API tests' shared pieces: a one-minute test clip, an app with a data folder, cameras gate and
yard with recorded footage, the audit rows of an action and a granted footage request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from footage.storage import Storage
from tests.factories.alerts import make_camera
from tests.factories.footage import T0, record_clip
from tests.support.peers import make_clip

MIN = dt.timedelta(minutes=1)


def iso(t: dt.datetime) -> str:
    return t.isoformat()


@pytest.fixture(scope="module")
def clip() -> Path:
    return make_clip("testsrc2", size="640x360", rate=25, seconds=60)


@pytest.fixture
def fenv(make_env, tmp_path):
    return make_env(data_dir=tmp_path / "data")


@pytest.fixture
def recorded(fenv, clip):
    """Cameras gate and yard with 20 s of footage from T0 (2 s segments)."""
    storage = Storage.of(fenv.settings)
    with fenv.session() as s:
        gate, yard = make_camera(s, name="gate"), make_camera(s, name="yard")
        record_clip(s, storage, gate, clip, start=T0, seconds=20)
        record_clip(s, storage, yard, clip, start=T0, seconds=20)
    return fenv


def audit_rows(env, action: str) -> list[AuditEntry]:
    with env.session() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()
        )


def grant_for(env, requester, *, cameras=("gate",), start=T0, end=T0 + MIN) -> int:
    asked = env.client.post(
        "/api/v1/footage/requests",
        json={
            "organisation": "City police",
            "reason": "theft at the gate",
            "cameras": list(cameras),
            "start": iso(start),
            "end": iso(end),
        },
        headers=env.token(requester),
    )
    assert asked.status_code == 201, asked.text
    leader = env.user(Role.SHIFT_LEADER)
    approved = env.client.post(
        f"/api/v1/footage/requests/{asked.json()['id']}/approve",
        json={"note": "ok"},
        headers=env.token(leader),
    )
    assert approved.status_code == 200, approved.text
    return int(asked.json()["id"])
