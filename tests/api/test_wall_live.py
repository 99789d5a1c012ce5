"""The wall's multiplexed live stream: validated input, the viewer's role checked, and a tile that cannot
have video (masked, or not read by any worker) ended at once with a zero-length frame."""

from __future__ import annotations

import struct

from access.roles import Role
from tests.factories.alerts import make_camera
from tests.support.app_env import Env

MASK = {"privacy_masks": [{"name": "w", "polygon": [[0, 0], [10, 0], [10, 10]]}]}


def _frames(body: bytes) -> list[tuple[int, bytes]]:
    out, at = [], 0
    while at < len(body):
        index, length = struct.unpack(">BI", body[at : at + 5])
        out.append((index, body[at + 5 : at + 5 + length]))
        at += 5 + length
    return out


def test_the_wall_stream_validates_checks_the_role_and_ends_tiles_without_video(env: Env) -> None:
    with env.session() as s:
        plain, masked = make_camera(s, name="plain"), make_camera(s, name="masked")
        masked.detect = MASK
        ids = [plain.id, masked.id]
    operator = env.token(env.user(Role.OPERATOR))
    url = "/api/v1/cameras/live.mux"

    missing = env.client.get(url, headers=operator)
    assert missing.status_code == 422 and "camera" in missing.text
    too_many = env.client.get(url, params={"camera": list(range(1, 18))}, headers=operator)
    assert too_many.status_code == 422 and "camera" in too_many.text
    assert env.client.get(url, params={"camera": "x"}, headers=operator).status_code == 422
    assert env.client.get(url, params={"camera": 999}, headers=operator).status_code == 404
    assert env.client.get(url, params={"camera": ids}).status_code == 401
    assert (
        env.client.get(url, params={"camera": ids}, headers=env.token(env.user(Role.MAINTENANCE))).status_code
        == 403
    )

    # nobody reads these cameras and one is masked: both tiles end at once (the page shows stills)
    answer = env.client.get(url, params={"camera": ids}, headers=operator)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/octet-stream"
    assert sorted(_frames(answer.content)) == [(0, b""), (1, b"")]
