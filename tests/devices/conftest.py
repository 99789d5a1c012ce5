"""Fixtures with real peers for the device tests: RTSP server(s), ipycam (ONVIF) and a repairing proxy."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.support.onvif_proxy import RepairingProxy
from tests.support.peers import Ipycam, RtspServer, free_port, make_audio_only, make_clip, missing_peer

USER, PASSWORD = "admin", "s3cret"


def pytest_configure(config: pytest.Config) -> None:
    """Third-party warnings seen with real peers, filtered narrowly."""
    config.addinivalue_line("filterwarnings", "ignore:.*unclosed.*:ResourceWarning:aiohttp.*")


@pytest.fixture(scope="session")
def clip():
    """A 60 s 640x360 25 fps H.264 clip with a keyframe every second."""
    return make_clip("testsrc2", size="640x360", rate=25, seconds=60)


@pytest.fixture(scope="session")
def rtsp_available() -> None:
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")


@pytest.fixture(scope="session")
def rtsp_server(rtsp_available, clip) -> Iterator[RtspServer]:
    """A shared server: /cam (file), /cam2 (file), /stall (frames stop after 2 s), /audio (no video)."""
    server = RtspServer(
        ["--file", f"cam={clip}", "--file", f"cam2={clip}", "--stall", f"stall={clip}:2", "--audio", "audio"]
    ).start()
    yield server
    server.stop()


@pytest.fixture
def own_rtsp_server(rtsp_available, clip) -> Iterator[RtspServer]:
    """A server that a test may kill and restart."""
    server = RtspServer(["--file", f"cam={clip}"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def auth_rtsp_server(rtsp_available, clip) -> Iterator[RtspServer]:
    """A server whose every mount needs basic auth (USER/PASSWORD)."""
    server = RtspServer(["--file", f"cam={clip}", "--user", USER, "--password", PASSWORD]).start()
    yield server
    server.stop()


@pytest.fixture
def refused_port() -> int:
    """A port with nothing listening."""
    return free_port()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (open timeout)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield int(sock.getsockname()[1])
    stop.set()
    t.join(2)
    for conn in held:
        conn.close()
    sock.close()


@pytest.fixture
def http_port() -> Iterator[int]:
    """A plain HTTP server (not a camera)."""
    import http.server

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>hello</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def audio_file():
    return make_audio_only()


@pytest.fixture(scope="session")
def ipycam(tmp_path_factory) -> Iterator[Ipycam]:
    """ipycam on 127.0.0.1 with credentials USER/PASSWORD, streaming a small clip."""
    source = make_clip("ipycam-src", size="320x180", rate=5, seconds=20)
    cam = Ipycam(source, tmp_path_factory.mktemp("ipycam"), user=USER, password=PASSWORD)
    try:
        cam.start()
    except RuntimeError as exc:
        missing_peer(f"ipycam did not start: {exc}")
    yield cam
    cam.stop()


@pytest.fixture(scope="session")
def repaired_onvif(ipycam) -> Iterator[RepairingProxy]:
    """ipycam behind the repairing proxy: presets and status parse."""
    proxy = RepairingProxy(ipycam.onvif_port).start()
    yield proxy
    proxy.stop()
