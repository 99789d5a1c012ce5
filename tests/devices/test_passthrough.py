"""Live passthrough: the packets an RTSP reader demuxes are remuxed for viewers into fragmented MP4."""

from __future__ import annotations

import io
import itertools
import subprocess
import threading

import av
import pytest

from devices.adapters import RtspSource
from devices.passthrough import PacketHub

pytestmark = pytest.mark.rtsp


def _read(source: RtspSource, frames: int) -> None:
    for _ in range(frames):
        assert source.read() is not None


def test_a_viewer_gets_playable_fmp4_from_the_latest_keyframe_without_reencoding(rtsp_server):
    hub = PacketHub()
    with RtspSource(rtsp_server.url("cam"), camera_id="c1", fps=5, read_timeout=5) as src:
        src.packet_tap = hub.put
        assert hub.join() is None, "nothing to show before the first keyframe"
        _read(src, 8)  # 1.6 s of a 1 s GOP: a keyframe has passed
        viewer = hub.join()
        assert viewer is not None and hub.viewers == 1
        reader = threading.Thread(target=_read, args=(src, 10))
        reader.start()
        chunks = list(itertools.islice(viewer.fmp4(idle_timeout_s=5), 30))
        reader.join()
        hub.leave(viewer)
    assert hub.viewers == 0
    data = b"".join(chunks)
    assert data[4:8] == b"ftyp" and b"moov" in data[:4096] and data.count(b"moof") >= 20
    with av.open(io.BytesIO(data)) as played:
        stream = played.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 640, 360)
        frames = list(played.decode(stream))
    assert len(frames) >= 20
    assert frames[0].key_frame, "a viewer starts at a keyframe"


def test_a_new_stream_ends_the_viewers_of_the_old_one(rtsp_server):
    hub = PacketHub()
    with RtspSource(rtsp_server.url("cam"), camera_id="c1", fps=5, read_timeout=5) as src:
        src.packet_tap = hub.put
        _read(src, 8)
        viewer = hub.join()
        assert viewer is not None
    with RtspSource(rtsp_server.url("cam"), camera_id="c1", fps=5, read_timeout=5) as again:
        again.packet_tap = hub.put
        _read(again, 2)
    assert hub.viewers == 0
    assert len(list(viewer.fmp4(idle_timeout_s=2))) >= 1, "what it had is still delivered, then it ends"


def test_a_stream_mp4_cannot_carry_to_a_browser_is_left_to_the_mjpeg_view(tmp_path):
    clip = tmp_path / "mjpeg.avi"
    source = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10", "-t", "1"]
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", *source, "-c:v", "mjpeg", str(clip)], check=True, timeout=60
    )
    hub = PacketHub()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            hub.put(packet, stream)
    assert hub.join() is None
