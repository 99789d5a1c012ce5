"""The evaluation set's small subset: the detection core meets its accuracy targets (CI-sized).

Two halves: the synthetic clips (both splits' small clips: a contrast-12 person, a 45 px person at 1080p, a
light step with clipping at 235, a lens cover, ...) always run; the real-footage clips (vtest.avi and tree.avi
from Debian's `opencv-doc`) skip locally when the package cannot be fetched and fail in CI, like the peers in
tests/support/peers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evalset.build import Clip, build_set
from bench.evalset.tree import find_tree
from bench.evalset.vtest import find_vtest
from bench.evaluate import KINDS, Evaluation, core, evaluate
from tests.support.peers import missing_peer

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "evalset"


@pytest.fixture(scope="module")
def synthetic() -> list[Clip]:
    return build_set(CACHE, subset="small", split="all", with_real=False)


@pytest.fixture(scope="module")
def synthetic_result(synthetic: list[Clip]) -> Evaluation:
    return evaluate(synthetic, "core", core)


@pytest.fixture(scope="module")
def real() -> list[Clip]:
    if find_vtest() is None or find_tree() is None:
        missing_peer("vtest.avi/tree.avi: `apt-get download opencv-doc` failed (no network or no apt)")
    clips = [c for c in build_set(CACHE, subset="small", split="all") if c.real]
    assert {c.split for c in clips} == {"tuning", "test"}
    return clips


@pytest.fixture(scope="module")
def real_result(real: list[Clip]) -> Evaluation:
    return evaluate(real, "core", core)


def test_synthetic_subset_covers_every_kind_both_splits_and_the_phenomena(synthetic: list[Clip]):
    assert {t.kind for c in synthetic for t in c.truth} == set(KINDS)
    assert {c.split for c in synthetic} == {"tuning", "test"}
    tags = {tag for c in synthetic for tag in c.tags}
    assert {("contrast", "12"), ("size", "45")} <= tags
    assert any(c.quiet and "235" in c.name for c in synthetic)


def test_synthetic_motion_f1_is_at_least_095(synthetic_result: Evaluation):
    assert synthetic_result.scores["motion"].f1 >= 0.95, synthetic_result.scores["motion"]


def test_faint_and_small_people_are_found(synthetic_result: Evaluation, synthetic: list[Clip]):
    by_contrast = synthetic_result.recall_by(synthetic, "contrast")
    by_size = synthetic_result.recall_by(synthetic, "size")
    assert by_contrast["12"][0] == by_contrast["12"][1] > 0, by_contrast
    # 45 px tall at 1080p; 30 px is the target and is not met yet (see bench/README.md).
    assert by_size["45"][0] == by_size["45"][1] > 0, by_size


@pytest.mark.parametrize("kind", ["covered", "defocused", "moved", "frozen"])
def test_synthetic_tamper_kind_f1_is_at_least_09(synthetic_result: Evaluation, kind: str):
    assert synthetic_result.scores[kind].f1 >= 0.9, synthetic_result.scores[kind]


def test_light_change_and_masked_flicker_clips_raise_no_event(
    synthetic_result: Evaluation, synthetic: list[Clip]
):
    quiet = synthetic_result.quiet_events(synthetic)
    assert {"lights_on_off", "masked_flicker", "test_light_up_down_235"} <= set(quiet)
    assert quiet == dict.fromkeys(quiet, 0)


def test_real_footage_subset(real_result: Evaluation, real: list[Clip]):
    assert any(c.path.suffix == ".avi" for c in real)
    tuning = {c.name for c in real if c.split == "tuning"}
    tuned = evaluate([c for c in real if c.name in tuning], "core", core)
    assert tuned.scores["motion"].f1 >= 0.95, tuned.scores["motion"]
    assert tuned.scores["covered"].f1 >= 0.9, tuned.scores["covered"]
    # tree.avi (test split) stepped up into the 235 ceiling and back down: no tamper of any kind. (The
    # covered-lens target on tree.avi is not met yet: bench/README.md lists it; recall is not asserted.)
    for kind in ("covered", "defocused", "moved", "frozen"):
        assert real_result.scores[kind].precision == 1.0, real_result.scores[kind]
