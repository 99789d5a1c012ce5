"""Inputs of the administration pages (JSON from the pages' scripts). Every change carries a reason."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from access.roles import Role
from core.schemas import WriteSchema

__all__ = ["OnvifAsk", "OnvifDiscover", "PostEdit", "Reason", "StreamTest", "UserAdd", "UserEdit"]


class Reason(WriteSchema):
    """Why (required for every administrative change; audited)."""

    reason: str = Field(min_length=3, max_length=500)


class UserAdd(Reason):
    """A new user; the server makes a one-time password and shows it once."""

    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field(default="", max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=5)
    language: Literal["en", "zh"] = "en"


class UserEdit(Reason):
    """Changes to a user; absent fields stay as they are."""

    display_name: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=5)
    language: Literal["en", "zh"] | None = None
    disabled: bool | None = None


class StreamTest(WriteSchema):
    """A stream to try before adding it (the same check as `controlroom camera test`)."""

    url: str = Field(min_length=1, max_length=2000)
    user: str = Field(default="", max_length=128)
    password: str = Field(default="", max_length=256)
    camera_id: int | None = Field(
        default=None, ge=1, description="Use this camera's stored URL and login when `url` is '*'."
    )


class PostEdit(Reason):
    """Changes to a post; absent fields stay as they are."""

    title: str | None = Field(default=None, max_length=200)
    cameras: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=500
    )
    roles: list[Role] | None = Field(default=None, max_length=5)
    checklist: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        default=None, max_length=50
    )
    active: bool | None = None


class OnvifAsk(WriteSchema):
    """An ONVIF device to describe, by address."""

    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.:\[\]-]+$")
    port: int = Field(default=80, ge=1, le=65535)
    user: str = Field(default="", max_length=128)
    password: str = Field(default="", max_length=256)


class OnvifDiscover(WriteSchema):
    """Where to look for ONVIF devices: the local network by multicast, and `host` by a unicast probe."""

    host: str = Field(default="", max_length=255, pattern=r"^[A-Za-z0-9_.:\[\]-]*$")
