"""Build the evaluation set: render and H.264-encode the clips (cached by content), with their ground truth."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from bench.evalset import tree
from bench.evalset.catalogue import synthetic_scenarios
from bench.evalset.scenarios import TAMPER_KINDS, Scenario, motion_truth, render_frames, tamper_truth
from bench.evalset.tree import TreeClip, disturbed, find_tree, tree_clips
from bench.evalset.tree import source_frames as tree_frames
from bench.evalset.vtest import DURATION, VtestClip, disturbed_frames, find_vtest, vtest_clips
from monitor.scoring import Interval
from runtime.decode import luma_plane

GENERATOR_VERSION = 5
SPLITS = ("tuning", "test")


@dataclass(frozen=True)
class Clip:
    """One clip of the set: the encoded file, how to analyse it, and what truly happens in it."""

    name: str
    path: Path
    duration: float
    config: dict[str, object]
    truth: tuple[Interval, ...]
    kinds: frozenset[str]
    split: str = "tuning"
    tags: tuple[tuple[str, str], ...] = ()
    real: bool = False

    @property
    def quiet(self) -> bool:
        """True for clips where nothing must be reported at all (light changes, masked clutter)."""
        return not self.truth and "motion" in self.kinds


def _yuv420(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Planar yuv420p layout (Y, then flat U and V at 128) as one (h * 3 / 2, w) array."""
    h, w = gray.shape
    out = np.full((h * 3 // 2, w), 128, dtype=np.uint8)
    out[:h] = gray
    return out


def encode_gray(
    frames: Iterable[NDArray[np.uint8]], path: Path, fps: float, crf: int = 26, bit_rate: int | None = None
) -> None:
    """Encode luma frames as H.264 (yuv420p, 2 s GOP) into an .mp4 file, at a CRF or a bit rate."""
    tmp = path.with_suffix(f".{os.getpid()}.part.mp4")  # per process: sessions share the cache
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=round(fps))
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "g": str(round(2 * fps))}
        if bit_rate is None:
            stream.options = {**stream.options, "crf": str(crf)}
        else:
            stream.bit_rate = bit_rate
        for i, gray in enumerate(frames):
            if i == 0:
                stream.height, stream.width = gray.shape
            frame = av.VideoFrame.from_ndarray(_yuv420(gray), format="yuv420p")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    tmp.replace(path)


def _canonical(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)


# Fields added after clips were first cached: at their default they leave a clip's key (and file) as it was.
_LATE_FIELDS = (
    "cover_level",
    "cover_texture",
    "defocus_sigma",
    "moved_offset",
    "moved_away",
    "soft",
    "tamper_onset_s",
    "cover_share",
    "cover_drift",
    "cover_patchy",
    "cover_lit",
    "haze",
    "moved_over_s",
    "nudge",
    "osd_clock",
    "requantise",
    "parked",
)


def _key(obj: Scenario | VtestClip | TreeClip) -> str:
    """Content hash of a clip definition (stable across runs: sets are sorted)."""
    fields = dataclasses.asdict(obj)
    defaults = {f.name: f.default for f in dataclasses.fields(obj)}
    for name in _LATE_FIELDS:
        if name in fields and fields[name] == defaults[name]:
            del fields[name]
    text = json.dumps(fields, sort_keys=True, default=_canonical)
    return hashlib.sha256(f"{GENERATOR_VERSION}:{text}".encode()).hexdigest()[:12]


def _truth_json(truth: list[Interval]) -> str:
    return json.dumps([[t.kind, t.start, t.end, t.zone] for t in truth])


def _load_truth(path: Path) -> tuple[Interval, ...]:
    return tuple(Interval(k, s, e, z) for k, s, e, z in json.loads(path.read_text(encoding="utf-8")))


def build_synthetic(s: Scenario, folder: Path) -> Clip:
    """Render, encode and annotate one synthetic scenario (reusing a cached file with the same content)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{s.name}-{_key(s)}"
    video, truth_file = stem.with_suffix(".mp4"), stem.with_suffix(".truth.json")
    if not (video.exists() and truth_file.exists()):
        silhouettes: list[tuple[float, NDArray[np.uint8]]] = []

        def frames() -> Iterable[NDArray[np.uint8]]:
            for t, frame, people in render_frames(s):
                silhouettes.append((t, people))
                yield frame

        encode_gray(frames(), video, s.fps, bit_rate=s.bit_rate)
        truth = motion_truth(s, silhouettes) if "motion" in s.kinds else []
        truth_file.write_text(_truth_json(truth + tamper_truth(s)), encoding="utf-8")
    truth = _load_truth(truth_file)
    return Clip(s.name, video, s.duration, s.detect_config(), truth, s.kinds, s.split, s.tags)


def _vtest_frames(source: Path) -> Iterable[NDArray[np.uint8]]:
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            yield luma_plane(frame)


def build_vtest(clip: VtestClip, source: Path, folder: Path) -> Clip:
    """The original vtest.avi, or a composed copy of it encoded as H.264."""
    truth = tuple(clip.truth())
    if clip.disturbance is None:
        return Clip(clip.name, source, DURATION, clip.detect_config(), truth, clip.kinds, real=True)
    video = folder / f"{clip.name}-{_key(clip)}.mp4"
    if not video.exists():
        frames = itertools.islice(_vtest_frames(source), round(clip.duration * 10))
        encode_gray(disturbed_frames(clip, frames), video, 10.0, crf=23)
    return Clip(clip.name, video, clip.duration, clip.detect_config(), truth, clip.kinds, real=True)


def build_tree(clip: TreeClip, source: Path, folder: Path) -> Clip:
    """tree.avi (test split) with its disturbance composed, encoded as H.264."""
    video = folder / f"{clip.name}-{_key(clip)}.mp4"
    if not video.exists():
        encode_gray(disturbed(clip, tree_frames(source)), video, tree.FPS, crf=23)
    return Clip(clip.name, video, tree.DURATION, {}, tuple(clip.truth()), TAMPER_KINDS, "test", real=True)


def build_set(
    folder: Path, *, subset: str = "full", split: str = "tuning", with_real: bool = True
) -> list[Clip]:
    """Build (or reuse) every clip of `subset` ("small" or "full") and `split` ("tuning", "test" or
    "all") in `folder`. Real footage is left out when it cannot be fetched (or `with_real` is False)."""
    folder.mkdir(parents=True, exist_ok=True)
    small = subset == "small"
    splits = SPLITS if split == "all" else (split,)
    clips = [
        build_synthetic(s, folder)
        for s in synthetic_scenarios()
        if (s.small or not small) and s.split in splits
    ]
    if not with_real:
        return clips
    source = find_vtest()
    if source is not None and "tuning" in splits:
        clips += [build_vtest(v, source, folder) for v in vtest_clips() if v.small or not small]
    tree_source = find_tree()
    if tree_source is not None and "test" in splits:
        clips += [build_tree(c, tree_source, folder) for c in tree_clips() if not small or c.small]
    return clips
