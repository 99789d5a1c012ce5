"""Re-exported for the tests; the code lives in `testkit.media` (shared with bench/)."""

from testkit.media import make_person_clip

__all__ = ["make_person_clip"]
