"""The administration commands, run as a user would run them (a real process, a real database)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.app_env import Env


def run(
    *args: str, db: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "CONTROLROOM_LOGGING__JSON": "false", **(env or {})}
    if db is not None:
        environ["CONTROLROOM_DATABASE__URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args], capture_output=True, text=True, env=environ, timeout=60
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cr.db"
    result = run("db", "upgrade", db=path)
    assert result.returncode == 0, result.stderr
    return path


def test_user_lifecycle_and_audit(db: Path) -> None:
    add = run("user", "add", "olga", "-r", "operator", "--password", "a long password", db=db)
    assert add.returncode == 0, add.stderr
    assert "created user olga" in add.stdout
    assert run("user", "set-roles", "olga", "-r", "operator", "-r", "shift_leader", db=db).returncode == 0
    listing = run("user", "list", db=db)
    assert "olga" in listing.stdout and "operator, shift_leader" in listing.stdout
    assert run("user", "disable", "olga", db=db).returncode == 0
    assert "disabled" in run("user", "list", db=db).stdout
    verify = run("audit", "verify", db=db)
    assert verify.returncode == 0 and "3 entries verified" in verify.stdout


def test_audit_verify_fails_on_tampering(db: Path) -> None:
    assert (
        run("user", "add", "olga", "-r", "operator", "--password", "a long password", db=db).returncode == 0
    )
    assert run("user", "disable", "olga", db=db).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
    conn.commit()
    conn.close()
    verify = run("audit", "verify", db=db)
    assert verify.returncode == 1
    assert "entry 1" in verify.stderr and "altered" in verify.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("user", "add", "olga", "-r", "janitor", "--password", "a long password"),
        ("user", "add", "olga", "--password", "a long password"),
        ("user", "list", "--limit", "0"),
        ("no-such-command",),
    ],
)
def test_bad_arguments_exit_2(db: Path, args: tuple[str, ...]) -> None:
    result = run(*args, db=db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_domain_errors_are_one_line_exit_2(db: Path) -> None:
    short = run("user", "add", "olga", "-r", "operator", "--password", "short", db=db)
    assert short.returncode == 2 and short.stderr.strip().startswith("error: password must be")
    missing = run("user", "disable", "nobody", db=db)
    assert missing.returncode == 2 and missing.stderr.strip() == "error: no user called 'nobody'"


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("cameras:\n  - {name: a, url: x, detect: {fps: 0}}\n")
    result = run("--config", str(config), "user", "list")
    assert result.returncode == 2
    assert "cameras[0].detect.fps: must be > 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_exits_3_with_a_reason(tmp_path: Path) -> None:
    env = {"CONTROLROOM_DATABASE__URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = run("user", "list", env=env)
    assert result.returncode == 3
    assert result.stderr.startswith("error: database unreachable")
    assert "Traceback" not in result.stderr


def test_unmigrated_database_is_refused_with_the_fix(tmp_path: Path) -> None:
    result = run("user", "list", db=tmp_path / "empty.db")
    assert result.returncode == 2 and "controlroom db upgrade" in result.stderr


def test_every_command_has_help() -> None:
    from typer.main import get_command

    from runtime.cli import app

    root = get_command(app)
    root.load_all()  # type: ignore[attr-defined]
    pending = [((), root)]
    missing = []
    while pending:
        path, command = pending.pop()
        if not (command.help or "").strip():
            missing.append(" ".join(path) or "controlroom")
        for name, sub in getattr(command, "commands", {}).items():
            pending.append(((*path, name), sub))
    assert not missing, f"commands without help: {missing}"


def test_one_time_passwords_from_the_shell_must_be_changed_at_the_first_sign_in(
    db: Path, make_env: Callable[..., Env]
) -> None:
    add = run("user", "add", "mei", "-r", "operator", "--one-time", db=db)
    assert add.returncode == 0, add.stderr
    one_time = add.stdout.strip().rsplit(" ", 1)[-1]
    assert "one-time password" in add.stdout and len(one_time) >= 10
    assert (
        run(
            "user", "add", "x", "-r", "operator", "--one-time", "--password", "a long password", db=db
        ).returncode
        == 2
    )
    typed = run("user", "add", "olga", "-r", "operator", "--password", "a long password", db=db)
    assert typed.returncode == 0  # the shell's own password (as for the first admin): not marked
    env = make_env(f"sqlite:///{db}")
    for name, password, allowed in (("mei", one_time, 403), ("olga", "a long password", 200)):
        env.login(name, password)
        answer = env.client.get("/api/v1/cameras")
        assert answer.status_code == allowed, name
    reset = run("user", "reset-password", "olga", db=db)
    assert reset.returncode == 0, reset.stderr
    assert env.client.get("/api/v1/cameras").status_code == 401  # olga's session ended
    env.login("olga", reset.stdout.strip().rsplit(" ", 1)[-1])
    refused = env.client.get("/api/v1/cameras")
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    assert "a long password" not in reset.stdout
    verify = run("audit", "verify", db=db)
    assert verify.returncode == 0, verify.stderr
    conn = sqlite3.connect(db)
    (detail,) = conn.execute("SELECT detail FROM audit_log WHERE action = 'users.password_reset'").fetchone()
    conn.close()
    entry = json.loads(detail)
    assert entry["before"]["must_change_password"] is False and entry["after"]["must_change_password"] is True
    assert reset.stdout.strip().rsplit(" ", 1)[-1] not in detail
