"""The hash chain: canonical content, links, and every kind of break."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from core.hashchain import GENESIS, canonical, link_hash, verify_links


@dataclass
class Entry:
    seq: int
    prev_hash: str
    hash: str
    content: dict[str, Any] = field(default_factory=dict)

    def chain_content(self) -> dict[str, Any]:
        return self.content


def _chain(n: int) -> list[Entry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = {"n": seq, "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
        h = link_hash(prev, seq, content)
        out.append(Entry(seq, prev, h, content))
        prev = h
    return out


def test_canonical_is_order_independent_and_utc() -> None:
    a = canonical({"b": 1, "a": dt.datetime(2026, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))})
    b = canonical({"a": dt.datetime(2026, 1, 1, 0, tzinfo=dt.UTC), "b": 1})
    assert a == b


def test_canonical_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        canonical({"at": dt.datetime(2026, 1, 1)})  # noqa: DTZ001


def test_intact_chain_verifies_with_its_head() -> None:
    chain = _chain(5)
    assert verify_links(chain, head_seq=5, head_hash=chain[-1].hash) == (5, None)


def test_changed_content_is_named() -> None:
    chain = _chain(5)
    chain[2].content = {**chain[2].content, "n": 99}
    _, broken = verify_links(chain)
    assert broken is not None and broken.seq == 3 and "altered" in broken.reason


def test_gap_is_named() -> None:
    chain = _chain(5)
    del chain[1]
    _, broken = verify_links(chain)
    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_truncated_tail_is_caught_by_the_head() -> None:
    chain = _chain(5)
    _, broken = verify_links(chain[:4], head_seq=5, head_hash=chain[-1].hash)
    assert broken is not None and "head" in broken.reason


def test_rehashed_forgery_still_breaks_the_following_link() -> None:
    chain = _chain(4)
    forged = {"n": 42, "at": chain[1].content["at"]}
    chain[1].content = forged
    chain[1].hash = link_hash(chain[1].prev_hash, 2, forged)
    _, broken = verify_links(chain)
    assert broken is not None and broken.seq == 3
