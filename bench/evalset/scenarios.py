"""Seeded synthetic scenarios with exact ground truth, rendered frame by frame.

Each scenario is a small timeline (walkers, light, weather, masks, tampering). Rendering yields uint8 luma
frames; ground truth for motion comes from the rendered silhouettes per zone, for tampering from the timeline.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.evalset import render
from bench.evalset.render import Walker
from monitor.scoring import Interval

MOTION = "motion"
TAMPER_KINDS = frozenset({"covered", "defocused", "moved", "frozen"})
ALL_KINDS = frozenset({MOTION} | TAMPER_KINDS)
Polygon = tuple[tuple[float, float], ...]
_MARGIN = 80
_MIN_TRUTH_AREA = 0.0004  # share of the frame a silhouette must cover inside a zone (= default min_area)
_MERGE_GAP_S = 2.0


@dataclass(frozen=True)
class Scenario:
    """One synthetic clip: what happens when. Times in seconds, positions in pixels of a 640x360 frame."""

    name: str
    seed: int
    duration: float = 24.0
    fps: float = 10.0
    size: tuple[int, int] = (360, 640)
    walkers: tuple[Walker, ...] = ()
    zones: tuple[tuple[str, Polygon], ...] = ()
    masks: tuple[Polygon, ...] = ()
    dusk: tuple[float, float] | None = None
    switches: tuple[tuple[float, bool], ...] = ()
    lights_on_at_start: bool = True
    cloud: bool = False
    tree_at: tuple[int, int] | None = None
    flicker_at: tuple[int, int, int, int] | None = None
    weather: str | None = None
    tamper: tuple[tuple[str, float, float], ...] = ()
    kinds: frozenset[str] = ALL_KINDS
    small: bool = False
    notes: str = ""
    detect: dict[str, object] = field(default_factory=dict)
    # Which half of the set the clip belongs to ("tuning" or "test"), and its background family.
    split: str = "tuning"
    background: str = "street"
    # Global exposure/light steps (t, gain): one-frame switches, as a lamp or an exposure step makes.
    light_steps: tuple[tuple[float, float], ...] = ()
    # Output range ceiling: 255 (full range) or 235 (limited-range video clips its highlights there).
    ceiling: float = 255.0
    # Day/night switch: at this time the IR cut filter flips and the picture becomes the IR view.
    ir_at: float | None = None
    # Auto-exposure hunting: exposure overshoots and steps back several times.
    ae_hunt: bool = False
    noise: float = 2.5
    bit_rate: int | None = None
    # Sweep buckets this clip's people belong to, e.g. (("contrast", "12"),).
    tags: tuple[tuple[str, str], ...] = ()
    # How the tampering looks (the tamper variety scenes): the cover's level and the amplitude of its
    # coarse texture (cloth, a hand), the blur of a defocus (partial ~2, strong ~7), the re-aim offset in
    # 640-wide pixels (up to the scene margin), or a re-aim that turns the camera to another view.
    cover_level: float = 22.0
    cover_texture: float = 0.0
    defocus_sigma: float = 4.0
    moved_offset: tuple[int, int] = (45, 20)
    moved_away: bool = False
    # Seconds a cover takes to close (or a defocus to reach its blur): a hand or a bag put on slowly, a
    # focus ring turned slowly; and the share of the width a cover hides (from the left; 1 = all of it).
    tamper_onset_s: float = 0.5
    cover_share: float = 1.0
    # What a real site meets (the third round, `catalogue._tamper_site`): a cover that moves (a hand held
    # over the lens wanders by this many 640-wide pixels), a cover whose opacity varies over the picture
    # (spray paint: up to this share of the scene shows through), a translucent cover that follows the
    # scene's light steps; a veil over a defocus (condensation, a rain film: this share of haze); a re-aim
    # that takes this many seconds (a loose mount sagging); a small view shift that is no tamper (time, dx,
    # dy in 640-wide pixels: a nudge on a plain scene); an on-screen clock drawn over the picture (it keeps
    # ticking on a frozen one); a frozen picture re-encoded on every frame (a transcoder's changing
    # quantiser: JPEG at a random quality).
    cover_drift: float = 0.0
    cover_patchy: float = 0.0
    cover_lit: bool = False
    haze: float = 0.0
    moved_over_s: float = 0.0
    nudge: tuple[float, int, int] | None = None
    osd_clock: bool = False
    requantise: bool = False
    # A van that drives in close to the camera, stays parked over 40 % of the view from `parked[0]` and
    # drives off at `parked[1]` (no tamper: the camera still sees its scene).
    parked: tuple[float, float] | None = None

    def detect_config(self) -> dict[str, object]:
        """The `detect` settings (zones, masks) the clip is analysed with."""
        config: dict[str, object] = dict(self.detect)
        config["zones"] = [{"name": n, "polygon": [list(p) for p in poly]} for n, poly in self.zones]
        config["exclusion_masks"] = [{"polygon": [list(p) for p in poly]} for poly in self.masks]
        return config


def _lights(s: Scenario, t: float) -> tuple[bool, float]:
    """Whether the lights are on at t, and seconds since the last switch."""
    on, since = s.lights_on_at_start, 1e9
    for ts, state in s.switches:
        if t >= ts:
            on, since = state, t - ts
    return on, since


def _illumination(s: Scenario, t: float, pool: NDArray[np.float32]) -> NDArray[np.float32] | float:
    gain = 1.0
    if s.dusk is not None:
        a, b = s.dusk
        gain = a + (b - a) * min(1.0, t / s.duration)
    field_: NDArray[np.float32] | float = gain
    if s.switches:
        on, since = _lights(s, t)
        exposure = 1.0 + (0.25 if on else -0.2) * math.exp(-since / 0.3)
        field_ = gain * exposure * (0.7 + 0.9 * pool if on else 0.38)
    if s.cloud:
        field_ = field_ * render.cloud_shadow(s.size, t, s.duration)
    if s.light_steps:
        field_ = field_ * _last_step(s.light_steps, t)
    if s.ae_hunt:
        field_ = field_ * _ae_gain(t)
    return field_


def _last_step(steps: tuple[tuple[float, float], ...], t: float) -> float:
    gain = 1.0
    for ts, step in steps:
        if t >= ts:
            gain = step
    return gain


def _ae_gain(t: float) -> float:
    """Auto-exposure hunting: every 3 s the exposure overshoots, undershoots and settles in 0.4 s steps."""
    phase = int((t % 3.0) / 0.4)
    return (1.0, 1.35, 0.8, 1.15, 0.92, 1.05, 1.0, 1.0)[min(phase, 7)]


def _active_tamper(s: Scenario, t: float) -> dict[str, float]:
    """Tamper kinds active at t with seconds since each began."""
    return {kind: t - t0 for kind, t0, t1 in s.tamper if t0 <= t < t1}


def render_frames(s: Scenario) -> Iterator[tuple[float, NDArray[np.uint8], NDArray[np.uint8]]]:
    """Yield (t, luma frame, silhouette mask) for every frame of the scenario."""
    rng = np.random.default_rng(s.seed)
    h, w = s.size
    margin = round(_MARGIN * w / 640)
    scenes = {"yard": render.yard_scene, "plain": render.plain_scene, "sparse": render.sparse_scene}
    scene = scenes.get(s.background, render.textured_scene)(rng, (h + 2 * margin, w + 2 * margin))
    pool = render.lamp_pool(s.size, (w * 0.6, h * 0.75), h * 0.5)
    ir_view = _ir_view(scene[margin : margin + h, margin : margin + w], pool) if s.ir_at is not None else None
    crown, crown_mask = render.tree(rng, 90)
    texture_rng = np.random.default_rng(s.seed + 7919)  # its own stream: the other draws stay as they were
    cover_texture = s.cover_texture * render.smooth_noise(texture_rng, s.size, max(8, w // 10))
    site = _Site.of(s)
    noise = render.SensorNoise(rng, s.size, s.noise, bank=3 if w > 1000 else 6)
    low = 16.0 if s.ceiling < 255 else 0.0
    previous: NDArray[np.uint8] | None = None
    for i in range(round(s.duration * s.fps)):
        t = i / s.fps
        tamper = _active_tamper(s, t)
        off = (
            (round(s.moved_offset[0] * w / 640), round(s.moved_offset[1] * w / 640))
            if "moved" in tamper
            else (0, 0)
        )
        off = site.aim(off, t, tamper.get("moved"))
        view = scene[::-1, ::-1] if s.moved_away and "moved" in tamper else scene
        refl = view[margin + off[1] : margin + off[1] + h, margin + off[0] : margin + off[0] + w].copy()
        people = np.zeros(s.size, dtype=np.uint8)
        if s.tree_at is not None:
            sway = round(7 * math.sin(2 * math.pi * 0.35 * t) + 2 * rng.normal())
            leaves = crown + rng.normal(0, 12, crown.shape).astype(np.float32)
            render.paste(refl, leaves, crown_mask, s.tree_at[0] + sway, s.tree_at[1])
        for walker in s.walkers:
            render.draw_walker(refl, people, walker, t)
        site.park(refl, t)
        if s.ir_at is not None and ir_view is not None and t >= s.ir_at:
            img = _ir_frame(ir_view, people, refl, t - s.ir_at)
        else:
            img = (refl * _illumination(s, t, pool)).astype(np.float32)
        if s.flicker_at is not None:
            x, y, fw, fh = s.flicker_at
            img[y : y + fh, x : x + fw] += 90.0 * float(rng.random() > 0.5)
        if s.weather is not None:
            render.rain(rng, img, 250 if s.weather == "rain" else 140, snow=s.weather == "snow")
        img = _tampered(s, img, tamper, rng, site.texture(cover_texture, tamper), site, t)
        if s.ceiling < 255:
            np.clip(img, low, s.ceiling, out=img)
        frame = noise.add(img)
        if s.ceiling < 255:
            np.clip(frame, int(low), int(s.ceiling), out=frame)
        # A static cover (a bag over the camera) decodes to identical frames once it is fully on.
        stuck = "frozen" in tamper or tamper.get("covered_static", 0.0) > s.tamper_onset_s + 0.1
        if stuck and previous is not None:
            frame = previous
        previous = frame
        yield t, site.output(frame, t, stuck), people


class _Site:
    """The real-site phenomena of a scenario (`Scenario.cover_drift` and the fields after it): how they
    change the aim, the cover's texture and level, and the frame as it leaves the camera."""

    def __init__(self, s: Scenario, wide: NDArray[np.float32] | None, opacity: NDArray[np.float32] | None):
        self.s, self.wide, self.opacity = s, wide, opacity
        self.rng = np.random.default_rng(s.seed + 7933)

    @classmethod
    def of(cls, s: Scenario) -> _Site:
        """The phenomena's fixed parts: a wider cover texture to wander over, the spray's opacity map."""
        h, w = s.size
        rng = np.random.default_rng(s.seed + 7927)
        wide = opacity = None
        if s.cover_drift > 0:
            pad = round(s.cover_drift * w / 640)
            wide = s.cover_texture * render.smooth_noise(rng, (h + 2 * pad, w + 2 * pad), max(8, w // 10))
        if s.cover_patchy > 0:
            u = render.smooth_noise(rng, s.size, max(8, w // 6))
            u = (u - u.min()) / max(float(u.max() - u.min()), 1e-6)
            opacity = (1.0 - s.cover_patchy * u).astype(np.float32)
        return cls(s, wide, opacity)

    def aim(self, off: tuple[int, int], t: float, moved_since: float | None) -> tuple[int, int]:
        """The view's offset: a re-aim reached over `moved_over_s`, plus a nudge once it happened."""
        s = self.s
        scale = s.size[1] / 640
        x, y = off
        if moved_since is not None and s.moved_over_s > 0:
            a = min(1.0, moved_since / s.moved_over_s)
            x, y = round(a * x), round(a * y)
        if s.nudge is not None and t >= s.nudge[0]:
            x, y = x + round(s.nudge[1] * scale), y + round(s.nudge[2] * scale)
        return x, y

    def texture(self, base: NDArray[np.float32], tamper: dict[str, float]) -> NDArray[np.float32]:
        """The cover's texture: wandering with the hand that holds it (`cover_drift`)."""
        since = tamper.get("covered", tamper.get("covered_static"))
        if self.wide is None or since is None:
            return base
        h, w = self.s.size
        pad = (self.wide.shape[1] - w) // 2
        dx = round(pad * (1 + math.sin(2 * math.pi * 0.4 * since)))
        dy = round(pad * (1 + math.sin(2 * math.pi * 0.27 * since + 1.0)))
        return self.wide[dy : dy + h, dx : dx + w]

    def park(self, img: NDArray[np.float32], t: float) -> None:
        """Draw the parked van (`parked`): in from the right over 1.5 s, off the same way."""
        if self.s.parked is None:
            return
        t0, t1 = self.s.parked
        shown = min(1.0, max(0.0, (t - t0) / 1.5)) - min(1.0, max(0.0, (t - t1) / 1.5))
        if shown <= 0:
            return
        h, w = img.shape
        x0 = round(w - shown * 0.4 * w)
        y0, y1 = round(0.25 * h), round(0.95 * h)
        cv2.rectangle(img, (x0, y0), (w, y1), 70, -1)
        cv2.rectangle(img, (x0 + w // 40, y0 + h // 20), (x0 + w // 6, y0 + h // 5), 150, -1)
        cv2.rectangle(img, (x0, y0 + h // 3), (w, y0 + h // 3 + 4), 40, -1)
        for cx in (x0 + w // 12, x0 + w // 3):
            cv2.circle(img, (cx, y1), h // 12, 25, -1)

    def light(self, t: float) -> float:
        """The light a translucent cover lets through, relative to the start (`cover_lit`)."""
        return _last_step(self.s.light_steps, t) if self.s.cover_lit else 1.0

    def spray(self, img: NDArray[np.float32], covered: NDArray[np.float32]) -> NDArray[np.float32]:
        """A cover whose opacity varies over the picture (spray paint), or the cover as it is."""
        if self.opacity is None:
            return covered
        return (img + self.opacity * (covered - img)).astype(np.float32)

    def output(self, frame: NDArray[np.uint8], t: float, stuck: bool) -> NDArray[np.uint8]:
        """The frame as the camera sends it: a frozen one re-encoded (`requantise`), the clock drawn on."""
        if stuck and self.s.requantise:
            quality = int(self.rng.integers(55, 91))
            _, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
            frame = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        if self.s.osd_clock:
            frame = frame.copy()
            w = frame.shape[1]
            text = f"2026-12-03 18:{int(t) // 60:02d}:{int(t) % 60:02d}"
            org, size = (round(0.02 * w), round(0.06 * w)), 0.9 * w / 640
            cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, 20, max(2, round(5 * w / 640)))
            cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, 235, max(1, round(2 * w / 640)))
        return frame


def _ir_view(day: NDArray[np.float32], pool: NDArray[np.float32]) -> NDArray[np.float32]:
    """The scene under the camera's own IR lamp: flatter, brighter in the middle, different reflectances."""
    ir = 0.55 * day + 0.35 * cv2.GaussianBlur(day, (0, 0), 3.0) + 30.0
    return (ir * (0.45 + 0.8 * pool)).astype(np.float32)


def _ir_frame(
    ir_view: NDArray[np.float32], people: NDArray[np.uint8], refl: NDArray[np.float32], since: float
) -> NDArray[np.float32]:
    """The picture after the IR cut filter switched `since` seconds ago: a dark blink, then the IR view
    (with any person drawn in `refl` kept at its IR brightness)."""
    img = ir_view.copy()
    inside = people > 0
    if inside.any():
        img[inside] = 0.8 * refl[inside] + 40.0
    if since < 0.15:
        return (img * 0.25).astype(np.float32)
    return img


def _tampered(
    s: Scenario,
    img: NDArray[np.float32],
    tamper: dict[str, float],
    rng: np.random.Generator,
    texture: NDArray[np.float32],
    site: _Site,
    t: float,
) -> NDArray[np.float32]:
    if "defocused" in tamper:
        ramp = min(1.0, tamper["defocused"] / s.tamper_onset_s + 0.1)
        img = cv2.GaussianBlur(img, (0, 0), s.defocus_sigma * ramp)
        if s.haze > 0:  # condensation or a rain film: a veil of scattered light over the blur
            veil = float(img.mean()) + 0.25 * (img - cv2.GaussianBlur(img, (0, 0), 40.0))
            img = (img + min(1.0, ramp) * s.haze * (veil - img)).astype(np.float32)
    for kind in ("covered", "covered_static"):
        if kind in tamper:
            amount = min(1.0, tamper[kind] / s.tamper_onset_s)
            covered = render.cover(img, rng, s.cover_level * site.light(t), amount) + amount * texture
            covered = site.spray(img, covered)
            if s.cover_share < 1.0:  # a soft-edged cover over the left part of the picture
                w = img.shape[1]
                edge = np.clip((s.cover_share * w - np.arange(w, dtype=np.float32)) / (0.04 * w), 0.0, 1.0)
                covered = img + edge[None, :] * (covered - img)
            img = covered.astype(np.float32)
    if "covered_bright" in tamper:
        img = render.cover(img, rng, 200.0, min(1.0, tamper["covered_bright"] / 0.5))
    return img


def _intervals(active: list[float], gap: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for t in active:
        if spans and t - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], t)
        else:
            spans.append((t, t))
    return spans


def motion_truth(s: Scenario, silhouettes: list[tuple[float, NDArray[np.uint8]]]) -> list[Interval]:
    """Truth intervals per zone (or the whole frame) from the rendered silhouettes."""
    h, w = s.size
    valid = np.full(s.size, 255, dtype=np.uint8)
    for poly in s.masks:
        cv2.fillPoly(valid, [np.array(poly, dtype=np.int32)], 0)
    zone_masks: list[tuple[str | None, NDArray[np.uint8]]] = [(None, valid)]
    if s.zones:
        zone_masks = []
        for name, poly in s.zones:
            m = np.zeros(s.size, dtype=np.uint8)
            cv2.fillPoly(m, [np.array(poly, dtype=np.int32)], 255)
            zone_masks.append((name, cv2.bitwise_and(m, valid)))
    truth: list[Interval] = []
    for name, mask in zone_masks:
        # A person counts once a default-sized object is inside the zone, or (for people smaller than
        # that: the size sweep) once at least 40 % of the person is.
        active = [
            t
            for t, sil in silhouettes
            if (inside := cv2.countNonZero(cv2.bitwise_and(sil, mask))) > 0
            and inside >= min(_MIN_TRUTH_AREA * h * w, 0.4 * cv2.countNonZero(sil))
        ]
        truth.extend(Interval(MOTION, a, b, name) for a, b in _intervals(active, _MERGE_GAP_S))
    return truth


def tamper_truth(s: Scenario) -> list[Interval]:
    """Truth intervals for the scenario's tampering (covering counts once fully covered)."""
    out = []
    for kind, t0, t1 in s.tamper:
        name = "covered" if kind.startswith("covered") else kind
        onset = t0 + s.tamper_onset_s if name == "covered" else t0
        out.append(Interval(name, onset, min(t1, s.duration) - 1.0 / s.fps, None))
    return out
