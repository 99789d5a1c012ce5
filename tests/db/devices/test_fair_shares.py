"""Workers share the cameras fairly: a newcomer gets its share one camera at a time, key cameras are spread
first, and a dead worker's cameras go to the living once its lease has run out."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.orm import Session

from devices.camera import service as cameras
from devices.worker import service as workers
from tests.factories.alerts import make_camera

T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=10)


def _rounds(session: Session, names: list[str], now: dt.datetime, rounds: int = 20) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    for i in range(rounds):
        for name in names:
            got = cameras.claim(session, worker_id=name, lease=LEASE, now=now + dt.timedelta(seconds=i * 0.1))
            held[name] = [c.name for c in got]
    return held


def _keys(held: dict[str, list[str]]) -> Counter[str]:
    return Counter({w: sum(1 for n in names if n.startswith("key")) for w, names in held.items()})


def test_shares_balance_within_one_camera_and_key_cameras_spread_first(session: Session) -> None:
    for i in range(3):
        make_camera(session, name=f"key{i}", key=True)
    for i in range(10):
        make_camera(session, name=f"cam{i:02}")

    first = cameras.claim(session, worker_id="a", lease=LEASE, now=T0)
    assert len(first) == 13  # alone, a worker reads every camera

    cameras.claim(session, worker_id="b", lease=LEASE, now=T0)  # b appears: nothing free yet
    a_after = cameras.claim(session, worker_id="a", lease=LEASE, now=T0)
    assert len(a_after) == 12  # a gives back one camera per step, never all at once

    held = _rounds(session, ["a", "b", "c"], T0)
    sizes = sorted(len(v) for v in held.values())
    assert sizes == [4, 4, 5]
    assert sorted(_keys(held).values()) == [1, 1, 1]
    every = [n for names in held.values() for n in names]
    assert len(every) == len(set(every)) == 13


def test_a_dead_workers_cameras_are_spread_over_the_living_after_its_lease(session: Session) -> None:
    for i in range(12):
        make_camera(session, name=f"cam{i:02}")
    held = _rounds(session, ["a", "b", "c"], T0)
    assert sorted(len(v) for v in held.values()) == [4, 4, 4]

    # c stops renewing; before its lease runs out the others do not touch its cameras
    soon = T0 + dt.timedelta(seconds=5)
    assert sorted(len(v) for v in _rounds(session, ["a", "b"], soon, rounds=3).values()) == [4, 4]
    later = T0 + LEASE + dt.timedelta(seconds=3)
    held = _rounds(session, ["a", "b"], later, rounds=3)
    assert sorted(len(v) for v in held.values()) == [6, 6]
    assert set(workers.live_weights(session, since=later - LEASE)) == {"a", "b"}


def test_the_others_know_when_a_silent_workers_first_lease_runs_out(session: Session) -> None:
    for i in range(4):
        make_camera(session, name=f"cam{i}")
    _rounds(session, ["a", "b"], T0, rounds=6)  # the last round renews b's leases at T0 + 0.5 s
    renewed = T0 + dt.timedelta(seconds=0.5)
    silent_since = T0 + dt.timedelta(seconds=2)  # two missed heartbeats of 1 s
    at = T0 + dt.timedelta(seconds=3)
    assert workers.next_takeover(session, worker_id="a", now=at, silent_since=silent_since) == renewed + LEASE
    assert workers.next_takeover(session, worker_id="b", now=at, silent_since=silent_since) == renewed + LEASE
    cameras.claim(session, worker_id="b", lease=LEASE, now=at)  # b heartbeats again: nobody is silent
    assert workers.next_takeover(session, worker_id="a", now=at, silent_since=silent_since) is None
    gone = renewed + LEASE + dt.timedelta(seconds=1)  # a's leases have run out too: nothing left to wait for
    assert workers.next_takeover(session, worker_id="b", now=gone + LEASE, silent_since=gone) is None


def test_a_clean_stop_hands_everything_over_at_once(session: Session) -> None:
    for i in range(6):
        make_camera(session, name=f"cam{i}")
    _rounds(session, ["a", "b"], T0, rounds=8)
    cameras.release(session, worker_id="b")
    got = cameras.claim(session, worker_id="a", lease=LEASE, now=T0 + dt.timedelta(seconds=2))
    assert len(got) == 6
    assert [w.worker_id for w in workers.list_(session)] == ["a"]


def test_weights_give_a_bigger_worker_a_bigger_share(session: Session) -> None:
    for i in range(8):
        make_camera(session, name=f"cam{i}")
    for i in range(12):
        for name, weight in (("big", 3.0), ("small", 1.0)):
            cameras.claim(
                session, worker_id=name, lease=LEASE, weight=weight, now=T0 + dt.timedelta(seconds=i * 0.1)
            )
    held = {
        w: len(
            cameras.claim(
                session,
                worker_id=w,
                lease=LEASE,
                now=T0 + dt.timedelta(seconds=2),
                weight=3.0 if w == "big" else 1.0,
            )
        )
        for w in ("big", "small")
    }
    assert held == {"big": 6, "small": 2}


def test_the_address_of_a_camera_is_its_live_owners(session: Session) -> None:
    make_camera(session, name="gate")
    cameras.claim(session, worker_id="a", lease=LEASE, now=T0, address="http://10.0.0.5:8001")
    assert workers.address_of(session, camera_name="gate", now=T0) == "http://10.0.0.5:8001"
    assert workers.address_of(session, camera_name="gate", now=T0 + LEASE * 2) is None
