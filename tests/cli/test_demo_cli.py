"""`controlroom demo` as a new user meets it: a busy port is one line and exit 2, a second start adds no shift,
and the first check-in of the demo shift is on time."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from access.roles import Role
from runtime.demo import SHIFT_HOURS, ensure_demo_shift
from shift_logs.roster import service as roster
from shift_logs.roster.models import Shift
from tests.factories.access import make_user
from tests.factories.alerts import make_camera
from tests.support.app_env import Env


def test_a_busy_port_is_one_line_and_exit_2_before_anything_is_created(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "runtime.cli",
                "demo",
                "--data-dir",
                str(tmp_path / "d"),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            env=environ,
            cwd=tmp_path,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        f"error: port {port} on 127.0.0.1 is already in use: stop what uses it or choose another with --port"
    )
    assert "open http" not in result.stdout
    assert not (tmp_path / "d" / "controlroom.db").exists()


def test_a_second_start_adds_no_shift_and_the_first_check_in_is_on_time(env: Env) -> None:
    now = dt.datetime.now(dt.UTC)
    with env.session() as s:
        for username, role in (
            ("leader", Role.SHIFT_LEADER),
            ("operator", Role.OPERATOR),
            ("operator2", Role.OPERATOR),
        ):
            make_user(s, username=username, roles=(role,))
        for name in ("gate", "parking", "lobby", "corridor"):
            make_camera(s, name=name)
    with env.session() as s:
        said = ensure_demo_shift(s, now=now)
        assert "shift 'demo'" in said
        demo = s.scalars(select(Shift)).one()
        # starts this minute: checking in now is not late
        assert dt.timedelta(0) <= now - demo.starts_at.replace(tzinfo=dt.UTC) < dt.timedelta(minutes=1)
        assert demo.ends_at - demo.starts_at == dt.timedelta(hours=SHIFT_HOURS)
        # a leader plans the next shift
        roster.create_shift(
            s, name="night", starts_at=demo.ends_at, ends_at=demo.ends_at + dt.timedelta(hours=8), leader=None
        )
    with env.session() as s:
        again = ensure_demo_shift(s, now=now + dt.timedelta(minutes=5))
        assert "is running" in again
        assert sorted(sh.name for sh in s.scalars(select(Shift))) == ["demo", "night"]
