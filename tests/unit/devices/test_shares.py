"""Fair shares and the one step a worker takes towards its share (pure)."""

from __future__ import annotations

from devices.worker.shares import Holding, Step, fair_share, next_step, quotas


def test_equal_weights_shares_differ_by_at_most_one_and_add_up() -> None:
    weights = {"a": 1.0, "b": 1.0, "c": 1.0}
    assert [fair_share(n, weights, "a") for n in (0, 1, 3, 12, 13)] == [0, 1, 1, 4, 5]
    assert quotas(13, weights) == {"a": 5, "b": 4, "c": 4}
    assert fair_share(12, weights, "dead") == 0


def test_weighted_shares_add_up_to_at_least_every_camera() -> None:
    weights = {"big": 3.0, "small": 1.0}
    for total in range(0, 40):
        assert sum(quotas(total, weights).values()) == total
    assert fair_share(40, weights, "big") == 30


def test_above_share_gives_back_one_ordinary_camera() -> None:
    assert next_step(Holding(held=12, held_keys=2, share=4, key_share=1, free_keys=0)) == Step(release="key")
    assert next_step(Holding(held=12, held_keys=1, share=4, key_share=1, free_keys=0)) == Step(
        release="other"
    )


def test_below_share_claims_keys_first_within_the_key_share() -> None:
    assert next_step(Holding(held=0, held_keys=0, share=4, key_share=1, free_keys=3)) == Step(
        keys=1, others=3
    )
    assert next_step(Holding(held=3, held_keys=1, share=4, key_share=1, free_keys=3)) == Step(
        keys=0, others=1
    )


def test_a_full_worker_makes_room_for_a_free_key_camera_nobody_else_may_take() -> None:
    assert next_step(Holding(held=2, held_keys=0, share=2, key_share=1, free_keys=1)) == Step(release="other")
    assert next_step(Holding(held=2, held_keys=1, share=2, key_share=1, free_keys=1)) == Step()
