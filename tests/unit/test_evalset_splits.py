"""The evaluation set's two splits: every phenomenon and tamper scene in both, no seed shared."""

from __future__ import annotations

from bench.evalset.catalogue import synthetic_scenarios


def _by_split():
    out: dict[str, dict[str, int]] = {"tuning": {}, "test": {}}
    for s in synthetic_scenarios():
        if s.name.startswith(f"{s.split}_"):
            out[s.split][s.name.removeprefix(f"{s.split}_")] = s.seed
    return out


def test_every_split_scene_exists_in_both_splits():
    splits = _by_split()
    assert set(splits["tuning"]) == set(splits["test"])
    assert {"covered_hand_moving", "frozen_osd_low_bitrate", "still_night", "van_parks_close"} <= set(
        splits["test"]
    )


def test_the_splits_share_no_seed_and_no_background():
    seeds = {split: set(names.values()) for split, names in _by_split().items()}
    assert not seeds["tuning"] & seeds["test"]
    every = synthetic_scenarios()
    assert all(s.seed not in seeds["test"] for s in every if s.split == "tuning")
    test_backgrounds = {s.background for s in every if s.split == "test"}
    tuning_backgrounds = {s.background for s in every if s.split == "tuning"}
    # The shared families are the scene-less ones (a plain and a mostly plain wall), the same in both.
    assert test_backgrounds & tuning_backgrounds <= {"plain", "sparse"}
