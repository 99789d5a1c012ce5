"""The capture workers sharing the cameras: registration, heartbeat, fair shares, internal addresses."""
