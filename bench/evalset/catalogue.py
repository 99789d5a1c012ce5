"""The synthetic scenarios of the evaluation set (640x360, 10 fps). `small=True` marks the CI subset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.evalset.render import Walker
from bench.evalset.scenarios import TAMPER_KINDS, Scenario

_TREE_MASK = ((30, 80), (190, 80), (190, 210), (30, 210))
_SIGN_MASK = ((440, 105), (525, 105), (525, 175), (440, 175))
_DRIVEWAY = ((380, 140), (640, 140), (640, 360), (380, 360))


def _people() -> list[Scenario]:
    return [
        Scenario("walk_near_slow", 11, 26, walkers=(Walker(2, -40, 345, 35, 165, 50),)),
        Scenario(
            "walk_far_fast",
            12,
            24,
            walkers=(Walker(3, -20, 190, 110, 34, 45), Walker(13, 660, 176, -80, 30, 215)),
        ),
        Scenario(
            "walk_mixed_contrast",
            13,
            26,
            walkers=(Walker(1, 660, 300, -60, 110, 190), Walker(13, -30, 235, 50, 70, 30)),
        ),
        Scenario(
            "walk_zone",
            14,
            26,
            walkers=(Walker(2, -30, 300, 45, 120, 45), Walker(12, -30, 200, 40, 40, 50)),
            zones=(("driveway", _DRIVEWAY),),
            small=True,
        ),
        Scenario(
            "walk_group_fast",
            15,
            22,
            walkers=(Walker(4, 670, 330, -140, 150, 40), Walker(4.3, 690, 320, -140, 140, 200)),
        ),
    ]


def _light() -> list[Scenario]:
    return [
        Scenario("dusk_ramp", 21, 30, dusk=(1.0, 0.3)),
        Scenario("dusk_person", 22, 30, dusk=(1.0, 0.35), walkers=(Walker(14, -30, 320, 60, 130, 55),)),
        Scenario(
            "lights_on_off",
            23,
            26,
            lights_on_at_start=False,
            switches=((6, True), (14, False), (20, True)),
            small=True,
        ),
        Scenario(
            "light_switch_person",
            24,
            26,
            lights_on_at_start=False,
            switches=((10, True), (17, False)),
            walkers=(Walker(9.3, -30, 330, 60, 140, 50),),
            small=True,
        ),
        Scenario("cloud_shadow", 25, 30, cloud=True),
        Scenario("cloud_person", 26, 30, cloud=True, walkers=(Walker(8, 670, 310, -55, 120, 60),)),
    ]


def _clutter() -> list[Scenario]:
    return [
        Scenario("tree_masked", 31, 24, tree_at=(60, 100), masks=(_TREE_MASK,)),
        Scenario(
            "tree_person",
            32,
            24,
            tree_at=(60, 100),
            masks=(_TREE_MASK,),
            walkers=(Walker(6, 670, 330, -70, 130, 45),),
        ),
        Scenario("masked_flicker", 33, 24, flicker_at=(450, 115, 60, 45), masks=(_SIGN_MASK,), small=True),
        Scenario("rain_person", 34, 24, weather="rain", walkers=(Walker(5, -30, 320, 65, 120, 45),)),
        Scenario("snow", 35, 24, weather="snow"),
        Scenario("snow_person", 36, 24, weather="snow", walkers=(Walker(7, 670, 240, -50, 60, 40),)),
    ]


def _tamper() -> list[Scenario]:
    tk = TAMPER_KINDS
    return [
        Scenario("covered", 41, 26, tamper=(("covered", 8, 20),), kinds=tk, small=True),
        Scenario("covered_bright", 42, 24, tamper=(("covered_bright", 6, 16),), kinds=tk),
        Scenario("defocused", 43, 26, tamper=(("defocused", 8, 20),), kinds=tk, small=True),
        Scenario("moved", 44, 26, tamper=(("moved", 8, 20),), kinds=tk, small=True),
        Scenario("moved_stays", 45, 26, tamper=(("moved", 10, 26),), kinds=tk),
        Scenario("frozen", 46, 24, tamper=(("frozen", 8, 18),), kinds=tk, small=True),
        Scenario(
            "frozen_walker",
            47,
            26,
            tamper=(("frozen", 9, 19),),
            walkers=(Walker(2, -30, 320, 30, 130, 50),),
            kinds=tk,
        ),
        Scenario("defocused_dusk", 48, 30, dusk=(1.0, 0.5), tamper=(("defocused", 12, 24),), kinds=tk),
    ]


CONTRASTS = (8, 12, 16, 20, 30, 50)
SIZES_1080P = (20, 30, 45, 70, 120, 200)
_HD = (1080, 1920)


def _phenomena(split: str, seed: int, background: str) -> list[Scenario]:
    """The phenomena scenes, built the same way for both splits from different seeds and backgrounds."""
    tk = TAMPER_KINDS
    p = f"{split}_"

    def make(name: str, seed_: int, duration: float, **kw: Any) -> Scenario:
        kw.setdefault("background", background)
        return Scenario(p + name, seed_, duration, split=split, **kw)

    out: list[Scenario] = []
    for i, c in enumerate(CONTRASTS):
        for j, sign in enumerate((-1, 1)):
            start, vx = (-20, 70) if j == 0 else (660, -70)
            y = 250 + 40 * j + 5 * i
            walker = Walker(1.0, start, y, vx, 45 + 4 * i, 0, contrast=sign * c)
            out.append(
                make(
                    f"contrast_{c}_{'dark' if sign < 0 else 'bright'}",
                    seed + 2 * i + j,
                    9,
                    walkers=(walker,),
                    tags=(("contrast", str(c)),),
                    small=c == 12 and j == 0,
                )
            )
    for i, h in enumerate(SIZES_1080P):
        vx = max(20.0, 0.8 * h)
        walker = Walker(1.0, -0.3 * h, 620 + 60 * i, vx, h, 0, contrast=(-30 if i % 2 else 30))
        out.append(
            make(
                f"size_{h}px_1080p",
                seed + 20 + i,
                8,
                size=_HD,
                walkers=(walker,),
                tags=(("size", str(h)),),
                small=h == 45,
            )
        )
    person = (Walker(7.5, -30, 300, 70, 120, 0, contrast=-25),)
    out += [
        make("light_up_down_255", seed + 30, 18, light_steps=((4, 1.9), (11, 1.0))),
        make(
            "light_up_down_235",
            seed + 31,
            18,
            light_steps=((4, 1.9), (11, 1.0)),
            ceiling=235,
            small=True,
        ),
        make("light_down_up", seed + 32, 18, light_steps=((4, 0.45), (11, 1.0))),
        make(
            "light_step_person_235",
            seed + 33,
            18,
            light_steps=((4, 1.9), (8, 1.0)),
            ceiling=235,
            walkers=person,
        ),
        make("ir_switch", seed + 34, 16, dusk=(0.5, 0.3), ir_at=7),
        make("ae_hunting_235", seed + 35, 18, ae_hunt=True, ceiling=235),
        make("low_bitrate_empty", seed + 36, 16, noise=3.5, bit_rate=150_000),
        make(
            "low_bitrate_person",
            seed + 37,
            16,
            noise=3.5,
            bit_rate=150_000,
            walkers=(Walker(3, 670, 280, -70, 110, 0, contrast=20),),
        ),
        make("plain_ball", seed + 38, 16, background="plain", walkers=person),
        make("covered", seed + 40, 22, tamper=(("covered", 6, 16),), kinds=tk),
        make("covered_static", seed + 41, 22, tamper=(("covered_static", 6, 16),), kinds=tk),
        make("defocused", seed + 42, 22, tamper=(("defocused", 6, 17),), kinds=tk),
        make("moved", seed + 43, 22, tamper=(("moved", 7, 17),), kinds=tk),
        make("frozen", seed + 44, 20, tamper=(("frozen", 6, 15),), kinds=tk),
    ]
    return out


def _tamper_variety(split: str, seed: int, background: str) -> list[Scenario]:
    """Tampering as varied as the phenomenon, built the same way for both splits: cover materials and
    levels (mid grey with a cloth texture, bright and static, a dark hand), partial and strong defocus,
    small and large re-aims and one that turns the camera away, frozen with a walker and frozen on a scene
    with a swaying tree; and scenes where no tamper may be reported (a noise-free static scene whose
    frames repeat, a swaying tree, a light step clipped at 235 with a tree)."""
    tk = TAMPER_KINDS
    p = f"{split}_"
    tree_at = (420, 60)

    def make(name: str, seed_: int, duration: float, **kw: Any) -> Scenario:
        kw.setdefault("background", background)
        return Scenario(p + name, seed_, duration, split=split, kinds=tk, **kw)

    walker = (Walker(2, -30, 320, 35, 120, 0, contrast=-30),)
    return [
        make("covered_cloth", seed, 22, tamper=(("covered", 6, 16),), cover_level=120, cover_texture=6),
        make("covered_bright_static", seed + 1, 22, tamper=(("covered_static", 7, 17),), cover_level=200),
        make("covered_hand", seed + 2, 22, tamper=(("covered", 6, 15),), cover_level=45, cover_texture=10),
        make("covered_tree", seed + 3, 22, tamper=(("covered", 8, 18),), tree_at=tree_at),
        make("defocused_partial", seed + 4, 22, tamper=(("defocused", 6, 17),), defocus_sigma=2.0),
        make("defocused_strong", seed + 5, 22, tamper=(("defocused", 7, 18),), defocus_sigma=7.0),
        make("defocused_tree", seed + 6, 24, tamper=(("defocused", 8, 20),), tree_at=tree_at),
        make("moved_small", seed + 7, 22, tamper=(("moved", 6, 16),), moved_offset=(14, 6)),
        make("moved_large", seed + 8, 22, tamper=(("moved", 6, 16),), moved_offset=(78, -40)),
        make("moved_away", seed + 9, 22, tamper=(("moved", 7, 22),), moved_away=True),
        make("moved_tree", seed + 10, 22, tamper=(("moved", 8, 18),), tree_at=tree_at),
        make("frozen_walker", seed + 11, 22, tamper=(("frozen", 7, 16),), walkers=walker),
        make("frozen_tree", seed + 12, 22, tamper=(("frozen", 8, 18),), tree_at=tree_at),
        make("static_noiseless", seed + 13, 20, noise=0.0),
        make("tree_only", seed + 14, 20, tree_at=tree_at),
        make(
            "tree_light_step_235",
            seed + 15,
            20,
            tree_at=tree_at,
            light_steps=((6, 1.7), (14, 1.0)),
            ceiling=235,
        ),
        *_tamper_conditions(make, seed + 16),
        *_tamper_site(make, seed + 100),
    ]


def _tamper_conditions(make: Callable[..., Scenario], seed: int) -> list[Scenario]:
    """The second round of tamper variety (2026-12-03, both splits): slow and partial covers, mild and slow
    defocus, and every kind on a noisy night sensor (noise 7), at a low bit rate (150 kbit/s: blocking) and
    in a dim scene; frozen on a still scene; and noisy and dim scenes where no tamper may be reported."""
    noisy, low, dim = {"noise": 7.0}, {"bit_rate": 150_000}, {"dusk": (0.42, 0.38)}
    return [
        make("covered_slow", seed, 22, tamper=(("covered", 6, 17),), cover_level=60, tamper_onset_s=3.0),
        make("covered_partial", seed + 1, 22, tamper=(("covered", 6, 16),), cover_level=35, cover_share=0.8),
        make("covered_noisy", seed + 2, 22, tamper=(("covered", 6, 16),), cover_level=30, **noisy),
        make("covered_low_bitrate", seed + 3, 22, tamper=(("covered", 6, 16),), cover_level=90, **low),
        make("covered_dim", seed + 4, 22, tamper=(("covered", 7, 17),), cover_level=18, **dim),
        make("defocused_mild", seed + 5, 22, tamper=(("defocused", 6, 17),), defocus_sigma=2.5),
        make("defocused_slow", seed + 6, 24, tamper=(("defocused", 6, 19),), tamper_onset_s=4.0),
        make("defocused_noisy", seed + 7, 22, tamper=(("defocused", 6, 17),), defocus_sigma=3.0, **noisy),
        make("defocused_low_bitrate", seed + 8, 22, tamper=(("defocused", 6, 17),), **low),
        make("moved_noisy", seed + 9, 22, tamper=(("moved", 6, 16),), moved_offset=(30, 15), **noisy),
        make("moved_low_bitrate", seed + 10, 22, tamper=(("moved", 6, 16),), moved_offset=(40, -20), **low),
        make("moved_dim", seed + 11, 22, tamper=(("moved", 7, 17),), moved_offset=(50, 10), **dim),
        make("frozen_still", seed + 12, 22, tamper=(("frozen", 7, 16),)),
        make("frozen_low_bitrate", seed + 13, 22, tamper=(("frozen", 7, 16),), **low),
        make("noisy_only", seed + 14, 20, **noisy),
        make("dim_only", seed + 15, 20, **dim),
    ]


def _tamper_site(make: Callable[..., Scenario], seed: int) -> list[Scenario]:
    """The third round of tamper variety (2026-12-03, both splits): what a real site meets. Covers that are
    not uniform (a hand that moves, a bag, spray paint that lets the scene show through in places), a cover
    while the light changes; defocus by condensation and by a rain film (a veil: blur and low contrast);
    a mount sagging over 10 s; frozen with an on-screen clock that keeps ticking, re-encoded on every
    frame, at a low bit rate in a dim scene; and scenes where no tamper may be reported: a nudge of a few
    pixels on a mostly plain wall, live scenes nearly still at night (little noise), also at a low bit
    rate, a live scene with the clock, and a van parking close to the camera over 40 % of the view; and frozen
    on a noisy sensor at 150 kbit/s, at 300 kbit/s and at night (little noise)."""
    low, night = {"bit_rate": 150_000}, {"dusk": (0.22, 0.22), "noise": 0.8}
    frozen = {"tamper": (("frozen", 7, 16),)}
    return [
        make(
            "covered_hand_moving",
            seed,
            22,
            tamper=(("covered", 6, 16),),
            cover_level=80,
            cover_texture=14,
            cover_drift=40,
            tamper_onset_s=1.0,
        ),
        make(
            "covered_bag",
            seed + 1,
            22,
            tamper=(("covered", 6, 16),),
            cover_level=55,
            cover_texture=18,
            cover_drift=8,
        ),
        make(
            "covered_spray",
            seed + 2,
            22,
            tamper=(("covered", 6, 17),),
            cover_level=40,
            cover_texture=5,
            cover_patchy=0.3,
            tamper_onset_s=2.0,
        ),
        make(
            "covered_light_change",
            seed + 3,
            22,
            tamper=(("covered", 6, 17),),
            cover_level=60,
            cover_texture=6,
            cover_lit=True,
            light_steps=((9, 1.7), (12, 0.55), (15, 1.0)),
        ),
        make(
            "defocused_condensation",
            seed + 4,
            24,
            tamper=(("defocused", 6, 19),),
            defocus_sigma=3.0,
            haze=0.55,
            tamper_onset_s=3.0,
        ),
        make(
            "defocused_rain_film",
            seed + 5,
            22,
            tamper=(("defocused", 6, 17),),
            defocus_sigma=1.8,
            haze=0.3,
            weather="rain",
        ),
        make("moved_sag", seed + 6, 24, tamper=(("moved", 5, 20),), moved_offset=(4, 30), moved_over_s=10.0),
        make(
            "moved_sag_sideways",
            seed + 7,
            24,
            tamper=(("moved", 5, 20),),
            moved_offset=(36, 6),
            moved_over_s=10.0,
        ),
        make("frozen_osd_clock", seed + 8, 22, osd_clock=True, **frozen),
        make("frozen_requantised", seed + 9, 22, requantise=True, **frozen),
        make("frozen_low_bitrate_dim", seed + 10, 22, dusk=(0.45, 0.4), **low, **frozen),
        make("frozen_osd_low_bitrate", seed + 11, 22, osd_clock=True, **low, **frozen),
        make("nudge_plain_wall", seed + 12, 20, background="sparse", nudge=(8.0, 3, 2)),
        make("still_night", seed + 13, 20, **night),
        make("still_night_low_bitrate", seed + 14, 20, dusk=(0.3, 0.3), noise=1.5, **low),
        make("osd_clock_only", seed + 15, 20, osd_clock=True),
        make("van_parks_close", seed + 16, 22, parked=(6.0, 16.0)),
        make("frozen_noisy_low_bitrate", seed + 17, 24, noise=7.0, **low, tamper=(("frozen", 7, 20),)),
        make("frozen_300k", seed + 18, 24, bit_rate=300_000, tamper=(("frozen", 7, 20),)),
        make("frozen_night", seed + 19, 24, **night, tamper=(("frozen", 7, 20),)),
    ]


def synthetic_scenarios() -> list[Scenario]:
    """All synthetic scenarios of the full set: the original (tuning) scenes, and the phenomena scenes of
    both splits (tuning: street backgrounds, seeds 51-99, 151-182 and 251-270; test: yard backgrounds, seeds
    101-149, 201-232 and 301-320)."""
    return [
        *_people(),
        *_light(),
        *_clutter(),
        *_tamper(),
        *_phenomena("tuning", 51, "street"),
        *_phenomena("test", 101, "yard"),
        *_tamper_variety("tuning", 151, "street"),
        *_tamper_variety("test", 201, "yard"),
    ]
