"""How `serve --processes N` lays out its processes: a capture process always serves its internal live routes on
a port of its own, never on the shared public port, where the kernel would hand a relay request to any process."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from runtime.cli.processes import plan
from tests.conftest import make_settings


@pytest.mark.parametrize("advertise_url", ["", "http://127.0.0.1:8000"])
def test_the_one_capture_process_listens_on_a_port_of_its_own(advertise_url: str) -> None:
    settings = make_settings(
        "sqlite://", worker={"enabled": True, "advertise_url": advertise_url, "internal_secret": "s" * 20}
    )
    plans = plan(settings, 3)
    try:
        first, *others = plans
        assert first.captures and not any(p.captures for p in others)
        assert first.internal is not None
        host, port = first.internal.getsockname()[:2]
        published = urlsplit(first.settings.worker.advertise_url)
        assert (published.hostname, published.port) == (host, port)
        assert port != 8000 and host == "127.0.0.1"
        # the API-only processes send the capture process's secret
        assert {p.settings.worker.internal_secret.get_secret_value() for p in plans} == {"s" * 20}
    finally:
        for each in plans:
            if each.internal is not None:
                each.internal.close()
