"""Score the detection core and a MOG2 baseline on the evaluation set.

    python -m bench.evaluate [--split tuning|test|all] [--subset small|full] [--folder .cache/evalset]
                             [--verbose]

Prints per-kind precision/recall/F1, false alerts per hour and onset latency (mean, median, p95) for both
detectors, motion recall by contrast and by size (the sweeps), false alerts per hour on the empty clips and
the events raised on each "quiet" clip (light changes, masked clutter), where nothing may be reported.
`--verbose` (per-clip events) is refused on the test split: see bench/README.md, "Keeping the split honest".
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

    def quiet_alerts_per_hour(self, clips: Sequence[Clip]) -> float:
        """Events per hour of footage over the empty ("quiet") clips."""
        quiet = {c.name for c in clips if c.quiet}
        hours = sum(o.duration_s for o in self.outcomes if o.name in quiet) / 3600
        events = sum(len(o.detected) for o in self.outcomes if o.name in quiet)
        return events / hours if hours > 0 else 0.0

    def recall_by(self, clips: Sequence[Clip], tag: str) -> dict[str, tuple[int, int]]:
        """Motion (found, truths) per value of a sweep tag ("contrast" or "size"), in numeric order."""
        values = {c.name: dict(c.tags).get(tag) for c in clips}
        out: dict[str, tuple[int, int]] = {}
        for o in self.outcomes:
            value = values.get(o.name)
            if value is None:
                continue
            s = score([o], ("motion",))["motion"]
            found, truths = out.get(value, (0, 0))
            out[value] = (found + s.found, truths + s.truths)
        return dict(sorted(out.items(), key=lambda kv: float(kv[0])))


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
        f"  {'kind':<10}{'truth':>6}{'found':>6}{'det':>6}{'P':>7}{'R':>7}{'F1':>7}{'FA/h':>8}"
        f"{'lat mean':>9}{'median':>8}{'p95':>7}",
    ]
    for kind in KINDS:
        s = ev.scores[kind]
        lats = (s.mean_latency_s, s.latency_quantile(0.5), s.latency_quantile(0.95))
        mean, median, p95 = (f"{v:.2f}s" if v is not None else "-" for v in lats)
        lines.append(
            f"  {kind:<10}{s.truths:>6}{s.found:>6}{s.detections:>6}{s.precision:>7.3f}{s.recall:>7.3f}"
            f"{s.f1:>7.3f}{s.false_alerts_per_hour:>8.1f}{mean:>9}{median:>8}{p95:>7}"
        )
    return lines


def format_sweeps(ev: Evaluation, clips: Sequence[Clip]) -> list[str]:
    """Recall by contrast and by size, false alerts per hour on the empty clips, events on each."""
    lines = []
    for tag, unit in (("contrast", " lv"), ("size", " px")):
        cells = [f"{v}{unit}: {f}/{t}" for v, (f, t) in ev.recall_by(clips, tag).items()]
        lines.append(f"  recall by {tag}: " + ("  ".join(cells) if cells else "-"))
    lines.append(f"  false alerts/hour on empty clips: {ev.quiet_alerts_per_hour(clips):.1f}")
    lines.append(f"  events on quiet clips: {ev.quiet_events(clips)}")
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
    parser.add_argument("--split", choices=("tuning", "test", "all"), default="tuning")
    parser.add_argument("--subset", choices=("small", "full"), default="full")
    parser.add_argument("--folder", type=Path, default=ROOT / ".cache" / "evalset")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--no-mog2", action="store_true", help="score the core only")
    args = parser.parse_args(argv)
    if args.verbose and args.split != "tuning":
        parser.error("--verbose: per-clip results are shown for the tuning split only")
    clips = build_set(args.folder, subset=args.subset, split=args.split)
    hours = sum(c.duration for c in clips) / 3600
    real = sorted({c.name for c in clips if c.real})
    print(f"{len(clips)} clips, {hours * 60:.1f} min of footage ({args.split} split, {args.subset} set)")
    print(f"  real footage clips: {', '.join(real) if real else 'none (opencv-doc unavailable)'}")
    runs: list[tuple[str, Callable[[DetectConfig, tuple[int, int]], Detector | Mog2Detector]]]
    runs = [("core", core)] + ([] if args.no_mog2 else [("mog2 baseline", mog2)])
    for name, make in runs:
        ev = evaluate(clips, name, make)
        print("\n".join(format_scores(ev)))
        print("\n".join(format_sweeps(ev, clips)))
        if args.verbose:
            print("\n".join(_details(ev)))


if __name__ == "__main__":
    main()
