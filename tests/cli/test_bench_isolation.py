"""Benchmarks build their own settings and never touch the service's: CONTROLROOM_* is ignored, and no
benchmark imports from tests/ (shared helpers live in testkit/)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.settings import bench_settings

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_bench_settings_ignore_the_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTROLROOM_DATABASE__URL", "sqlite:////srv/site/controlroom.db")
    monkeypatch.setenv("CONTROLROOM_SITE__TIMEZONE", "Asia/Shanghai")
    settings = bench_settings(database={"url": "sqlite:///bench.db"})
    assert settings.database.url.get_secret_value() == "sqlite:///bench.db"
    assert settings.site.timezone == "UTC"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(BENCH.rglob("*.py")), ids=lambda p: p.name)
def test_no_benchmark_reads_the_service_config_or_imports_tests(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "config.load" not in _imports(path) and "load_settings(" not in text
    assert not [m for m in _imports(path) if m == "tests" or m.startswith("tests.")]
    assert 'environ.get("CONTROLROOM' not in text and "environ['CONTROLROOM" not in text


@pytest.mark.slow
def test_bench_report_never_writes_into_the_configured_database(tmp_path: Path) -> None:
    site = tmp_path / "site.db"
    env = {**os.environ, "CONTROLROOM_DATABASE__URL": f"sqlite:///{site}"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.report", "--alerts", "20", "--pg", "postgresql+psycopg://x@127.0.0.1:1/x"],
        capture_output=True, text=True, env=env, timeout=300, cwd=BENCH.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sqlite" in done.stdout and not site.exists()
