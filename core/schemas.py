"""The schema bases: every request body, response shape, stored document and configuration model of every
package starts from one of these three. They differ because their data comes from different places:

- `WriteSchema`: what a user sends (request bodies, console forms): unknown fields are refused, strings
  stripped of the blanks a form or a paste adds.
- `ReadSchema`: what the service answers, built from ORM rows (`from_attributes`); it never parses input.
- `StrictSchema`: what the service or the site wrote itself and reads back (configuration and camera
  files, the duty-rule file, a stored report's figures): a key it does not know is an error (a typo in a
  file fails at start, a stored document of another shape fails loudly), and values stay exactly as
  written: a path, a URL or a password is never stripped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ReadSchema", "StrictSchema", "WriteSchema"]


class ReadSchema(BaseModel):
    """Response shapes, built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class WriteSchema(BaseModel):
    """Request bodies: unknown fields are refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StrictSchema(BaseModel):
    """Files and stored documents: unknown keys are refused, values kept as written."""

    model_config = ConfigDict(extra="forbid")
