"""Camera credentials at rest: URLs and ONVIF passwords are encrypted with a key derived from the
server secret (Fernet: AES-128-CBC + HMAC-SHA256), and never leave the server in clear."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from core.errors import ConfigError

__all__ = ["CredentialBox"]


class CredentialBox:
    """Encrypts and decrypts secrets with a key derived from `secret_key`."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"controlroom/camera-credentials\0" + secret_key.encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, plain: str) -> str:
        """Return the encrypted form of `plain` ("" stays "")."""
        if not plain:
            return ""
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """Return the clear text of `sealed`; a key change is reported as a configuration error."""
        if not sealed:
            return ""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError(
                "a stored camera credential cannot be decrypted: auth.secret_key changed since it was saved"
            ) from exc
