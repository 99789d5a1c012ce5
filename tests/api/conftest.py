"""API tests use `env` / `make_env` from tests/conftest.py: the real app on a private SQLite file; the footage
tests share `clip`, `fenv` and `recorded` (tests/api/footage_support.py)."""

from tests.api.footage_support import clip, fenv, recorded
from tests.support.app_env import Env

__all__ = ["Env", "clip", "fenv", "recorded"]
