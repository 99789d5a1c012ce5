"""The synthetic scenarios of the evaluation set (640x360, 10 fps). `small=True` marks the CI subset."""

from __future__ import annotations

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


def synthetic_scenarios() -> list[Scenario]:
    """All synthetic scenarios of the full set."""
    return [*_people(), *_light(), *_clutter(), *_tamper()]
