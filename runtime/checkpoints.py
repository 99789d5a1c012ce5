"""Making and publishing the signed chain checkpoints (`db/checkpoints.py`): a worker job and the CLI."""

from __future__ import annotations

import datetime as dt

from config.settings import Settings
from db.checkpoints import SignedHead, append_to_file, sign_due
from db.outbox import enqueue
from db.session import SessionFactory, session_scope
from footage import signing

__all__ = ["MQTT_TOPIC", "checkpoint_chains"]

MQTT_TOPIC = "checkpoints"  # + "/<chain>"; published retained, so a subscriber always has the latest


def checkpoint_chains(
    settings: Settings, factory: SessionFactory, *, now: dt.datetime, force: bool = False
) -> list[SignedHead]:
    """Sign the chains that are due (or every chain that grew, with `force`), store the checkpoints, queue
    them for MQTT (retained) and append them to the operator's file."""
    key = signing.load_or_create_key(settings.footage.key_path(settings.data_dir))
    every = dt.timedelta(minutes=settings.chains.checkpoint_every_minutes)
    with session_scope(factory) as session:
        made = sign_due(
            session,
            key=key,
            every_entries=settings.chains.checkpoint_every_entries,
            every=every,
            now=now,
            force=force,
        )
        if settings.mqtt.enabled:
            for head in made:
                topic = f"{MQTT_TOPIC}/{head.chain}"
                enqueue(session, topic=topic, payload=head.as_json(), targets=["mqtt"], now=now)
    append_to_file(settings.chains.file_path(settings.data_dir), made)
    return made
