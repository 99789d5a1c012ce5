"""Return-to-home (R2): a scheduled job that sends PTZ cameras home once they have been idle long enough.

The job is driven by the `ptz_moved_at` stamps in the cameras table, so it runs in every worker: a camera
is claimed with a conditional update in the same transaction as the GotoPreset, so only one worker sends
it (the others find the stamp gone), and a failed GotoPreset rolls the claim back for the next run.
Each return is audited as the system ("camera.ptz.return_home").
"""

from __future__ import annotations

import logging

from access.audit import service as audit
from config.settings import Settings
from core.actor import Actor
from core.clock import Clock, SystemClock
from db.session import SessionFactory, session_scope
from devices.camera import ptz
from devices.credentials import CredentialBox
from devices.errors import DeviceError

__all__ = ["ReturnHomeJob"]

log = logging.getLogger(__name__)

ONVIF_TIMEOUT_S = 5.0


class ReturnHomeJob:
    """Call it on a schedule (every `interval_s`); it returns the names of the cameras it sent home."""

    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory,
        *,
        clock: Clock | None = None,
        connect: ptz.Connect | None = None,
    ) -> None:
        self.settings = settings.camera_control
        self.factory = factory
        self.clock: Clock = clock or SystemClock()
        box = CredentialBox(settings.auth.secret_key.get_secret_value())
        self.connect = connect or ptz.onvif_connector(box, timeout=ONVIF_TIMEOUT_S)

    @property
    def interval_s(self) -> float:
        """How often to look: a tenth of the idle time, between 1 and 30 seconds."""
        return min(30.0, max(1.0, self.settings.return_home_s / 10))

    def __call__(self) -> list[str]:
        """Send every camera that is due home; a camera that cannot be reached is tried again next run."""
        now = self.clock.now()
        with session_scope(self.factory) as session:
            due = [c.id for c in ptz.return_home_due(session, now=now, settings=self.settings)]
        sent = []
        for camera_id in due:
            name = self._send(camera_id)
            if name is not None:
                sent.append(name)
        return sent

    def _send(self, camera_id: int) -> str | None:
        now = self.clock.now()
        try:
            with session_scope(self.factory) as session:
                camera = ptz.claim_return(session, camera_id=camera_id, now=now, settings=self.settings)
                if camera is None:
                    return None  # another worker sent it, or it was moved again meanwhile
                command = ptz.send_home(camera, connect=self.connect)
                audit.record(
                    session,
                    actor=Actor.system(),
                    action="camera.ptz.return_home",
                    target=f"camera:{camera.name}",
                    detail={
                        "reason": f"no PTZ command for {self.settings.return_home_s:g} s (R2)",
                        "command": {"action": command.action.value, "preset": command.preset},
                    },
                    now=now,
                )
                return camera.name
        except DeviceError as exc:
            log.warning(
                "camera %d could not be sent home (trying again next run): %s", camera_id, exc.message
            )
            return None
