"""Export verification: the signature binds the manifest, the manifest binds every file."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from core.hashchain import canonical
from footage import signing
from footage.export import MANIFEST, SIGNATURE, verify_export


def make_export(
    path: Path,
    key,
    files: dict[str, bytes],
    *,
    extra: dict[str, bytes] | None = None,
    manifest_patch: dict | None = None,
) -> None:
    manifest = {
        "files": [
            {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in files.items()
        ],
        "signing_key": {"ed25519": signing.public_raw(key.public_key())},
    }
    body = canonical(manifest)
    signature = signing.sign(key, body)
    if manifest_patch:
        body = canonical({**manifest, **manifest_patch})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, signature)
        for name, data in {**files, **(extra or {})}.items():
            archive.writestr(name, data)


@pytest.fixture
def key(tmp_path):
    return signing.load_or_create_key(tmp_path / "keys" / "site.pem")


def test_intact_export_verifies_with_the_site_key(tmp_path, key):
    make_export(tmp_path / "e.zip", key, {"gate.mp4": b"video" * 100})
    check = verify_export(tmp_path / "e.zip", key.public_key())
    assert check.ok and "site's key" in check.key_source


def test_changed_manifest_fails_the_signature(tmp_path, key):
    make_export(tmp_path / "e.zip", key, {"gate.mp4": b"v"}, manifest_patch={"exporter": "someone else"})
    assert any("signature" in p for p in verify_export(tmp_path / "e.zip", key.public_key()).problems)


def test_export_signed_by_another_key_fails_against_the_site_key(tmp_path, key):
    other = signing.load_or_create_key(tmp_path / "other.pem")
    make_export(tmp_path / "e.zip", other, {"gate.mp4": b"v"})
    assert not verify_export(tmp_path / "e.zip", key.public_key()).ok
    assert verify_export(tmp_path / "e.zip").ok  # only self-consistent without the site key


def test_added_or_missing_files_are_named(tmp_path, key):
    make_export(tmp_path / "e.zip", key, {"gate.mp4": b"v"}, extra={"yard.mp4": b"w"})
    assert verify_export(tmp_path / "e.zip", key.public_key()).problems == [
        "yard.mp4: not listed in the manifest"
    ]


def test_a_file_that_is_not_a_zip_is_not_an_export(tmp_path, key):
    (tmp_path / "e.zip").write_bytes(b"not a zip")
    assert "not a readable export" in verify_export(tmp_path / "e.zip", key.public_key()).problems[0]


def test_the_key_is_created_once_owner_only_and_reloaded(tmp_path):
    path = tmp_path / "k.pem"
    first = signing.load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert signing.key_id(signing.load_or_create_key(path).public_key()) == signing.key_id(first.public_key())
    assert signing.key_id(signing.load_public_key(path)) == signing.key_id(first.public_key())
