"""Slack tokens at rest: Fernet, with several keys so that a key can be rotated.

``BRIEFBOT_ENCRYPTION_KEY`` holds one or more Fernet keys separated by commas. The first
encrypts every new value; each of them decrypts, so a new key can be put in front while
the old ones still read what they wrote, and ``briefbot keys rotate`` re-encrypts every
stored token with the first key before the old ones are removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import ConfigError

# Every Fernet token starts with its version byte, 0x80, which is "gAAAAA" in base64.
FERNET_PREFIX = "gAAAAA"


class TokenUnreadable(ConfigError):
    """A stored value none of the configured keys can decrypt."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class TokenCipher:
    """Encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: Sequence[str]):
        if not keys:
            raise ConfigError(
                "BRIEFBOT_ENCRYPTION_KEY is not set: the key Slack tokens are stored with"
            )
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError):
            raise ConfigError(
                "BRIEFBOT_ENCRYPTION_KEY must be Fernet keys separated by commas "
                "(`briefbot keys generate` prints a new one)"
            ) from None

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise TokenUnreadable(
                "a stored Slack token cannot be decrypted with BRIEFBOT_ENCRYPTION_KEY: "
                "put the key it was written with back in the list (after the new one)"
            ) from None

    def rotate(self, value: str) -> str:
        """``value`` encrypted with the first key; a plain token (stored before encryption
        was on) is encrypted for the first time."""
        if not is_encrypted(value):
            encrypted = self.encrypt(value)
            assert encrypted is not None
            return encrypted
        try:
            return self._fernet.rotate(value.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise TokenUnreadable(
                "a stored Slack token cannot be decrypted with any key in "
                "BRIEFBOT_ENCRYPTION_KEY, so nothing was re-encrypted: add the key it was "
                "written with and run `briefbot keys rotate` again"
            ) from None


def is_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)
