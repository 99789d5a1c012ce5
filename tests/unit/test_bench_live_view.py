"""bench.live_view measures one core: the decoder it times starts no threads of its own."""

from __future__ import annotations

from pathlib import Path

import av

from bench import live_view
from tests.support.peers import make_clip


def _threads() -> int:
    return sum(1 for _ in Path("/proc/self/task").iterdir())


def test_the_benchmark_decoder_runs_on_the_calling_thread_only() -> None:
    clip = make_clip("bench-live", size="640x360", rate=25, seconds=12, gop=50)
    before, most = _threads(), 0
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        live_view._single_thread(stream)
        for i, _frame in enumerate(container.decode(stream)):
            most = max(most, _threads())
            if i == 10:
                break
        assert stream.codec_context.thread_count == 1
    assert most == before
