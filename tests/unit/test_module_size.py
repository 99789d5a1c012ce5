"""No module outside the migrations grows past 400 lines: a longer one is split by what it does."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400
SKIPPED_DIRS = {"migrations", "node_modules", "__pycache__"}


def _modules() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in SKIPPED_DIRS for p in parts[:-1]):
            continue
        found.append(path)
    return found


def test_the_scan_sees_the_packages_and_skips_the_migrations():
    names = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert "runtime/capture.py" in names and "tests/unit/test_module_size.py" in names
    assert not any("/migrations/" in n for n in names)
    assert not any(n.startswith(".venv/") for n in names)


def test_no_module_outside_the_migrations_is_over_400_lines():
    too_long = {}
    for path in _modules():
        with path.open(encoding="utf-8") as f:
            count = sum(1 for _ in f)
        if count > LIMIT:
            too_long[path.relative_to(ROOT).as_posix()] = count
    assert too_long == {}, f"split these modules (over {LIMIT} lines): {too_long}"
