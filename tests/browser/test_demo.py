"""`controlroom demo` as a new user runs it: a real process on SQLite in a fresh folder, then the console."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.peers import free_port, wait_port

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """The demo command running on a free port with its data in a temporary folder."""
    port = free_port()
    data = tmp_path / "demo"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
    log = tmp_path / "demo.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "runtime.cli", "demo", "--data-dir", str(data), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=environ,
            cwd=tmp_path,
        )
        try:
            wait_port(port, timeout=60)
            # the credentials come after start-up, with the address actually bound
            deadline = time.monotonic() + 30
            while "sign in as one of" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
                time.sleep(0.2)
            assert f"open http://127.0.0.1:{port} and sign in as one of" in log.read_text(encoding="utf-8")
            yield f"http://127.0.0.1:{port}", data, proc
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    printed = log.read_text(encoding="utf-8")
    assert "sign in as one of" in printed and "shift 'demo'" in printed, printed
    # a terminal a person reads: plain lines, and the scheduler's once-a-second jobs do not bury the sign-in
    assert not any(line.startswith("{") for line in printed.splitlines()), printed[:2000]
    assert "executed successfully" not in printed, printed[:2000]


def test_the_demo_starts_on_a_fresh_folder_and_an_operator_checks_in_and_sees_the_wall(
    demo: tuple[str, Path, subprocess.Popen[str]], page: Page
) -> None:
    url, data, _proc = demo
    credentials = json.loads((data / "demo-credentials.json").read_text(encoding="utf-8"))
    assert set(credentials) >= {"admin", "leader", "operator", "operator2", "supervisor", "maintenance"}
    assert (data / "controlroom.db").exists()

    page.goto(f"{url}/login")
    page.get_by_label("User name").fill("operator")
    page.get_by_label("Password").fill(credentials["operator"])
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{url}/")

    page.goto(f"{url}/roster")
    form = page.locator("form[action='/roster/check-in']")
    form.locator("select").select_option(label="Desk 1 · perimeter")
    confirm = form.locator("input[name=rules_version]")
    if confirm.count():
        confirm.check()
    form.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Checked in at Desk 1 · perimeter")).to_be_visible()

    page.goto(f"{url}/wall")
    gate = page.locator('.tile[data-name="gate"]')
    expect(gate).to_have_class(re.compile(r"^tile key\b"))
    expect(gate.locator("[data-health]")).to_have_text("online", timeout=30000)
    # demo cameras encode H.264: the lobby's tile plays its own stream (the gate has a privacy mask: stills)
    expect(page.locator('.tile[data-name="lobby"]')).to_have_class(
        re.compile(r"\bhas-video\b"), timeout=30000
    )
    expect(gate).to_have_class(re.compile(r"\bhas-picture\b"))
    assert gate.get_attribute("data-live") is None
    # and they are recorded: finished segments appear in the demo's folder (10 s each)
    deadline = time.monotonic() + 60
    while not list(data.rglob("lobby/*/*.mp4")) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert list(data.rglob("lobby/*/*.mp4")), sorted(str(p) for p in data.rglob("*"))[:40]
