"""The built-in demo site: synthetic cameras (people walking now and then, a light switching)."""

from __future__ import annotations

from config.cameras import CameraConfig

__all__ = ["demo_cameras"]

_DEMO = (
    ("gate", "Main gate", "North entrance", "perimeter", True, 1),
    ("lobby", "Lobby", "Building A, ground floor", "indoor", False, 2),
    ("parking", "Car park", "East car park", "perimeter", False, 3),
    ("corridor", "Corridor B2", "Building B, 2nd floor", "indoor", False, 4),
)


def demo_cameras() -> list[CameraConfig]:
    """Four synthetic cameras; the gate is a key camera with a privacy mask over a neighbour's window."""
    out = []
    for name, title, location, group, key, seed in _DEMO:
        detect: dict[str, object] = {"fps": 5}
        if name == "gate":
            detect["privacy_masks"] = [
                {"name": "neighbour", "polygon": [[540, 0], [640, 0], [640, 70], [540, 70]]}
            ]
        out.append(
            CameraConfig.model_validate(
                {
                    "name": name,
                    "title": title,
                    "location": location,
                    "group": group,
                    "key": key,
                    "url": f"demo://{name}?seed={seed}&fps=10&people=25&light=90",
                    "detect": detect,
                }
            )
        )
    return out
