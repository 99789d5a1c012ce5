"""The one look-up by id (`db.lookup.require`) behind every package's `require`: the row, or its 404."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from footage import holds
from footage.errors import HoldNotFound
from maintenance import faults
from maintenance.errors import FaultNotFound
from shift_logs.roster import service as roster
from shift_logs.roster.errors import PostNotFound
from tests.factories.shift_logs import make_post


def test_require_returns_the_row_or_raises_the_packages_not_found(session: Session) -> None:
    post = make_post(session)
    assert roster.require_post(session, post.id) is post
    with pytest.raises(PostNotFound, match=r"no post with id 999999"):
        roster.require_post(session, 999_999)
    with pytest.raises(HoldNotFound, match=r"no evidence hold with id 5"):
        holds.require(session, 5)
    with pytest.raises(FaultNotFound, match=r"no fault with id 7"):
        faults.require(session, 7)
