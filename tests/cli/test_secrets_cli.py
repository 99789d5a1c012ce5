"""No default secrets: `serve` refuses the placeholder or a short `auth.secret_key` (exit 2, how to make one),
and `controlroom secrets rotate` re-seals the stored camera credentials with a new key."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from access.audit.models import AuditEntry
from db.session import make_session_factory
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from runtime.cli import app

runner = CliRunner()
URL = "rtsp://viewer:Sup3rSecret@10.0.0.5/stream1"
OLD_KEY = "old-key-" + "o" * 40
NEW_KEY = "new-key-" + "n" * 40


def _env(sqlite_url: str, key: str | None) -> dict[str, str]:
    env = {"CONTROLROOM_DATABASE__URL": sqlite_url, "CONTROLROOM_LOGGING__JSON": "false"}
    if key is not None:
        env["CONTROLROOM_AUTH__SECRET_KEY"] = key
    return env


@pytest.mark.parametrize(("key", "says"), [(None, "placeholder 'change-me'"), ("short-key", "9 characters")])
def test_serve_refuses_the_default_or_a_short_secret(sqlite_url: str, key: str | None, says: str) -> None:
    result = runner.invoke(app, ["serve", "--port", "1"], env=_env(sqlite_url, key))
    assert result.exit_code == 2
    assert says in result.output and "secrets.token_urlsafe(32)" in result.output
    assert "CONTROLROOM_AUTH__SECRET_KEY" in result.output


def test_rotate_reseals_camera_credentials_with_the_new_key(sqlite_url: str) -> None:
    added = runner.invoke(
        app, ["camera", "add", "gate", URL, "--reason", "new camera"], env=_env(sqlite_url, OLD_KEY)
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(app, ["secrets", "rotate", "--new-key", "tiny"], env=_env(sqlite_url, OLD_KEY))
    assert short.exit_code == 2 and "at least 32" in short.output
    rotated = runner.invoke(app, ["secrets", "rotate", "--new-key", NEW_KEY], env=_env(sqlite_url, OLD_KEY))
    assert rotated.exit_code == 0, rotated.output
    engine = create_engine(sqlite_url)
    try:
        with make_session_factory(engine)() as s:
            camera = s.scalars(select(Camera)).one()
            assert CredentialBox(NEW_KEY).open(camera.url_sealed) == URL
            actions = [e.action for e in s.scalars(select(AuditEntry))]
    finally:
        engine.dispose()
    assert "secrets.rotate" in actions
    # the old key no longer opens them, so rotating again with the old key fails without changing anything
    again = runner.invoke(
        app, ["secrets", "rotate", "--new-key", NEW_KEY + "x"], env=_env(sqlite_url, OLD_KEY)
    )
    assert again.exit_code == 2 and "cannot be decrypted" in again.output
