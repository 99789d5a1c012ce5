"""The footage folder: where segment files go, how full it is, and hashing files."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from config.footage import FootageSettings
from config.settings import Settings

__all__ = [
    "PART_SUFFIX",
    "Storage",
    "hash_file",
]

PART_SUFFIX = ".part"
_CHUNK = 1 << 20


def hash_file(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass(frozen=True, slots=True)
class Storage:
    """The storage root and its limits."""

    root: Path
    settings: FootageSettings

    @classmethod
    def of(cls, settings: Settings) -> Storage:
        """The storage of these settings (created when missing)."""
        root = settings.footage.storage_root(settings.data_dir)
        root.mkdir(parents=True, exist_ok=True)
        return cls(root=root.resolve(), settings=settings.footage)

    def segment_path(self, camera_name: str, start: dt.datetime) -> Path:
        """A new segment's final path: <root>/<camera>/<YYYY-MM-DD>/<HHMMSS.ffffff>.mp4 (UTC)."""
        utc = start.astimezone(dt.UTC)
        return self.root / camera_name / utc.strftime("%Y-%m-%d") / f"{utc.strftime('%H%M%S.%f')}.mp4"

    def relative(self, path: Path) -> str:
        """A path as stored in the index (relative to the root, forward slashes)."""
        return path.resolve().relative_to(self.root).as_posix()

    def absolute(self, relative: str) -> Path:
        """The file of an index path; refuses paths that leave the root."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"segment path leaves the storage folder: {relative}")
        return path

    def work_dir(self, name: str) -> Path:
        """A scratch folder inside the storage (playback and export files)."""
        path = self.root / ".work" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def capacity(self) -> int:
        """Bytes the footage may use: the quota, or the filesystem's size."""
        if self.settings.quota_gb > 0:
            return int(self.settings.quota_gb * 1e9)
        return shutil.disk_usage(self.root).total

    def used(self, indexed_bytes: int) -> int:
        """Bytes counted against the capacity: the index's sum under a quota, else the filesystem's use."""
        if self.settings.quota_gb > 0:
            return indexed_bytes
        return shutil.disk_usage(self.root).used

    def free(self) -> int:
        """Bytes free on the filesystem."""
        return shutil.disk_usage(self.root).free

    def has_room(self) -> bool:
        """True while the filesystem has at least `min_free_mb` free."""
        return self.free() >= self.settings.min_free_mb * 1e6

    def part_files(self) -> list[Path]:
        """Segments left half-written (by a crash)."""
        return sorted(p for p in self.root.glob(f"*/*/*{PART_SUFFIX}") if p.is_file())

    def segment_files(self) -> list[Path]:
        """Every finished segment file."""
        return sorted(p for p in self.root.glob("*/*/*.mp4") if p.is_file())

    @staticmethod
    def remove(path: Path) -> bool:
        """Delete a file; False when it was already gone."""
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True
