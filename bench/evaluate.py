"""Score the detection core and a MOG2 baseline on the evaluation set.

    python -m bench.evaluate [--subset small|full] [--folder .cache/evalset] [--verbose]

Prints per-kind precision/recall/F1, false alerts per hour and onset latency for both detectors, and the
events raised on the "quiet" clips (light changes, masked clutter), where nothing may be reported.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.evalset.baseline import Mog2Detector
from bench.evalset.build import Clip, build_set
from config.detection import DetectConfig
from monitor.events import MonitorEvent
from monitor.pipeline import Detector
from monitor.scoring import ClipOutcome, Interval, KindScore, score
from runtime.decode import VideoFile

KINDS = ("motion", "covered", "defocused", "moved", "frozen")
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Evaluation:
    """Scores of one detector over a set of clips."""

    name: str
    scores: dict[str, KindScore]
    outcomes: tuple[ClipOutcome, ...]
    seconds: float

    def quiet_events(self, clips: Sequence[Clip]) -> dict[str, int]:
        """Number of events raised on each clip where nothing should be raised."""
        quiet = {c.name for c in clips if c.quiet}
        return {o.name: len(o.detected) for o in self.outcomes if o.name in quiet}


def _run(
    clip: Clip, make: Callable[[DetectConfig, tuple[int, int]], Detector | Mog2Detector]
) -> list[MonitorEvent]:
    config = DetectConfig.model_validate(clip.config)
    source = VideoFile(clip.path, fps=config.fps)
    try:
        detector = make(config, source.frame_shape)
        events = [e for f in source.frames() for e in detector.process(f) if not e.is_open]
        events += detector.flush()
    finally:
        source.close()
    return events


def evaluate(
    clips: Sequence[Clip], name: str, make: Callable[[DetectConfig, tuple[int, int]], Detector | Mog2Detector]
) -> Evaluation:
    """Run one detector over the clips and score it."""
    started = time.perf_counter()
    outcomes = []
    for clip in clips:
        events = _run(clip, make)
        detected = tuple(Interval(e.kind.value, e.start_ts, e.end_ts or e.start_ts, e.zone) for e in events)
        outcomes.append(ClipOutcome(clip.name, clip.duration, clip.truth, detected, clip.kinds))
    return Evaluation(name, score(outcomes, KINDS), tuple(outcomes), time.perf_counter() - started)


def core(config: DetectConfig, shape: tuple[int, int]) -> Detector:
    """The detection core."""
    return Detector(config, shape)


def mog2(config: DetectConfig, shape: tuple[int, int]) -> Mog2Detector:
    """The MOG2 baseline."""
    return Mog2Detector(config, shape)


def format_scores(ev: Evaluation) -> list[str]:
    """Table lines for one evaluation."""
    lines = [
        f"{ev.name}  ({ev.seconds:.1f} s)",
        f"  {'kind':<10}{'truth':>6}{'found':>6}{'det':>6}{'P':>7}{'R':>7}{'F1':>7}{'FA/h':>8}{'latency':>9}",
    ]
    for kind in KINDS:
        s = ev.scores[kind]
        lat = f"{s.mean_latency_s:.2f}s" if s.mean_latency_s is not None else "-"
        lines.append(
            f"  {kind:<10}{s.truths:>6}{s.found:>6}{s.detections:>6}{s.precision:>7.3f}{s.recall:>7.3f}"
            f"{s.f1:>7.3f}{s.false_alerts_per_hour:>8.1f}{lat:>9}"
        )
    return lines


def _details(ev: Evaluation) -> list[str]:
    lines = []
    for o in ev.outcomes:
        lines.append(f"  {o.name}: truth={[(t.kind, t.start, t.end, t.zone) for t in o.truth]}")
        lines.append(f"  {' ' * len(o.name)}  got={[(d.kind, d.start, d.end, d.zone) for d in o.detected]}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Build the set, run both detectors, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subset", choices=("small", "full"), default="full")
    parser.add_argument("--folder", type=Path, default=ROOT / ".cache" / "evalset")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    clips = build_set(args.folder, subset=args.subset)
    hours = sum(c.duration for c in clips) / 3600
    print(f"{len(clips)} clips, {hours * 60:.1f} min of footage ({args.subset} set)")
    for ev in (evaluate(clips, "core", core), evaluate(clips, "mog2 baseline", mog2)):
        print("\n".join(format_scores(ev)))
        print(f"  events on quiet clips: {ev.quiet_events(clips)}")
        if args.verbose:
            print("\n".join(_details(ev)))


if __name__ == "__main__":
    main()
