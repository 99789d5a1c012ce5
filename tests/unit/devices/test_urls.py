import pytest

from devices.errors import ConnectError
from devices.urls import MaskedCause, mask_text, mask_url, scheme_of, scrub_exception, with_credentials


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("rtsp://user:pass@host/x", "rtsp://user:***@host/x"),
        ("rtsps://admin:p%40ss@10.0.0.5:322/live?ch=1", "rtsps://admin:***@10.0.0.5:322/live?ch=1"),
        ("rtsp://user@host/x", "rtsp://user@host/x"),
        ("rtsp://host:554/x", "rtsp://host:554/x"),
        ("http://cam/snap.jpg?user=a&password=b", "http://cam/snap.jpg?user=a&password=***"),
        ("/media/file.mp4", "/media/file.mp4"),
    ],
)
def test_mask_url_hides_only_the_password(url, masked):
    assert mask_url(url) == masked


def test_mask_text_masks_every_url_in_a_message():
    text = "failed 'rtsp://a:secret@h1/x' then rtsp://b:hunter2@h2:8554/y"
    out = mask_text(text)
    assert "secret" not in out
    assert "hunter2" not in out
    assert "rtsp://a:***@h1/x" in out
    assert "rtsp://b:***@h2:8554/y" in out


def test_device_error_messages_are_masked():
    err = ConnectError("connection refused: rtsp://u:topsecret@cam/1")
    assert "topsecret" not in str(err)
    assert err.reason == "cannot connect"


def test_scrub_exception_replaces_a_cause_that_holds_a_password():
    raw = OSError(111, "Connection refused", "rtsp://u:topsecret@cam/1")
    clean = scrub_exception(raw)
    assert isinstance(clean, MaskedCause)
    assert "topsecret" not in str(clean)
    harmless = OSError(111, "Connection refused", "rtsp://cam/1")
    assert scrub_exception(harmless) is harmless


def test_with_credentials_percent_encodes():
    url = with_credentials("rtsp://cam:554/live", "ad min", "p@ss:w/rd")
    assert url == "rtsp://ad%20min:p%40ss%3Aw%2Frd@cam:554/live"
    assert with_credentials("rtsp://cam/live", None, "x") == "rtsp://cam/live"


def test_scheme_of():
    assert scheme_of("RTSP://x/y") == "rtsp"
    assert scheme_of("/tmp/a.mp4") == ""
    assert scheme_of("demo://lobby?seed=1") == "demo"
