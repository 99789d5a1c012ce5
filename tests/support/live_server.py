"""Re-exported for the tests; the code lives in `testkit.live_server` (shared with bench/)."""

from testkit.live_server import LiveServer, free_port

__all__ = ["LiveServer", "free_port"]
