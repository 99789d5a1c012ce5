import errno

import av
import pytest

from devices.adapters.pyav import translate_av_error
from devices.errors import AuthError, ConnectError, StreamTimeout, UnsupportedCodec
from devices.urls import MaskedCause, scrub_exception

URL = "rtsp://admin:hunter2@cam.local/stream1"


@pytest.mark.parametrize(
    ("exc", "cls", "reason"),
    [
        (av.error.HTTPUnauthorizedError(errno.EACCES, "401 Unauthorized", URL), AuthError, "auth refused"),
        (
            av.error.ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused", URL),
            ConnectError,
            "connection refused",
        ),
        (av.error.ExitError(0, "Immediate exit requested", URL), StreamTimeout, "timeout"),
        (av.error.HTTPNotFoundError(0, "404 Not Found", URL), ConnectError, "stream not found"),
        (av.error.DecoderNotFoundError(0, "Decoder not found", URL), UnsupportedCodec, "unsupported codec"),
        (av.error.InvalidDataError(0, "Invalid data", URL), ConnectError, "not a video stream"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), ConnectError, "host unreachable"),
        (RuntimeError("weird"), ConnectError, "stream error"),
    ],
)
def test_av_errors_become_device_errors_with_masked_urls(exc, cls, reason):
    err = translate_av_error(exc, URL)
    assert type(err) is cls
    assert err.reason == reason
    assert "hunter2" not in err.message
    assert "hunter2" not in str(err.detail)


def test_the_chained_cause_never_carries_the_password():
    raw = av.error.ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused", URL)
    cause = scrub_exception(raw)
    assert isinstance(cause, MaskedCause)
    assert "hunter2" not in str(cause)
