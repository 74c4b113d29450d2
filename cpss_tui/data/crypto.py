"""Keys for encryption at rest: a passphrase becomes a raw 32-byte SQLCipher key, derived once per start.

Why it looks like this (storage.md, "SQLCipher through SQLAlchemy"):
- A passphrase given to SQLCipher runs PBKDF2 on every connection (about 0.13 s each). The app derives a raw
  key once with scrypt (stdlib) and hands SQLCipher `x'<hex>'`, so opening a connection costs nothing extra.
- The salt and the KDF parameters live beside the database in `<db>.key.json` (0600); the key itself is
  never written anywhere. Losing that file makes the database unreadable, so backups of an encrypted database
  are keyed with the same key (the same salt file opens them) and `encrypt` says so.
- This module imports only the standard library: the command line checks `is_encrypted` before it decides to
  prompt, without loading the data layer.
"""

from __future__ import annotations

import os
from pathlib import Path

PLAIN_HEADER = b"SQLite format 3\x00"
KEY_FILE_SUFFIX = ".key.json"
KEY_BYTES = 32
# scrypt: 2**15 × 8 × 128 bytes = 32 MiB of memory and about 0.1 s here; `maxmem` must allow it.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 64 * 1024 * 1024


class KeyFileError(Exception):
    """The key file beside an encrypted database is missing or damaged (names the file)."""


class KdfParams:
    """How a passphrase becomes this database's key: everything but the passphrase.

    A plain class, not a dataclass: this module is imported before the first paint, where every millisecond
    of start-up counts (issue 8), and building a dataclass costs a few.
    """

    __slots__ = ("n", "p", "r", "salt")

    def __init__(self, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> None:
        self.salt, self.n, self.r, self.p = salt, n, r, p

    @classmethod
    def new(cls) -> KdfParams:
        """Fresh parameters with a random 16-byte salt."""
        import secrets

        return cls(salt=secrets.token_bytes(16))

    def to_json(self) -> str:
        import json

        return json.dumps(
            {
                "kdf": "scrypt",
                "salt": self.salt.hex(),
                "n": self.n,
                "r": self.r,
                "p": self.p,
                "dklen": KEY_BYTES,
            },
            sort_keys=True,
        )


def key_file_for(db_path: Path) -> Path:
    """Where the salt and KDF parameters of `db_path` live: `<db>.key.json` beside it."""
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """The raw 32-byte key for `passphrase` under `params` (scrypt)."""
    import hashlib  # here, not at import: `is_encrypted` runs before every start and must cost nothing

    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=params.salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=_MAXMEM,
        dklen=KEY_BYTES,
    )


def passphrase_matches(passphrase: str, params: KdfParams, key: bytes) -> bool:
    """True when `passphrase` derives `key` (constant-time comparison): the lock screen's check."""
    import hmac

    return hmac.compare_digest(derive_key(passphrase, params), key)


def write_key_file(db_path: Path, params: KdfParams) -> Path:
    """Write `<db>.key.json` private to the user (0600) and return its path."""
    path = key_file_for(db_path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(params.to_json() + "\n")
    os.chmod(path, 0o600)
    return path


def read_key_file(db_path: Path) -> KdfParams:
    """The KDF parameters of `db_path`; KeyFileError names the file when it is missing or damaged."""
    import json

    path = key_file_for(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kdf") != "scrypt" or data.get("dklen", KEY_BYTES) != KEY_BYTES:
            raise ValueError("unknown kdf")
        params = KdfParams(bytes.fromhex(data["salt"]), int(data["n"]), int(data["r"]), int(data["p"]))
    except FileNotFoundError:
        raise KeyFileError(
            f"{db_path}: not a cpss-tui database (no SQLite header), or an encrypted one whose key file "
            f"{path.name} (the salt needed to open it) is missing"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(f"{path}: damaged; it should hold the salt of the encrypted database") from None
    if len(params.salt) < 8 or params.n < 2 or params.r < 1 or params.p < 1:
        raise KeyFileError(f"{path}: damaged; it should hold the salt of the encrypted database")
    return params


def is_encrypted(db_path: Path) -> bool:
    """True when `db_path` is (or is set up to be) an encrypted database.

    An encrypted file has no plain "SQLite format 3" header; an empty or missing file counts as encrypted only
    when its key file exists (a first run that chose encryption).
    """
    try:
        with open(db_path, "rb") as f:
            header = f.read(len(PLAIN_HEADER))
    except FileNotFoundError:
        header = b""
    if header:
        return header != PLAIN_HEADER
    return key_file_for(db_path).exists()


# --- the lock screen's PIN (an unencrypted database) -----------------------------------------------------

MIN_PIN = 4


def hash_pin(pin: str) -> dict[str, object]:
    """A salted scrypt hash of `pin` as a JSON-able record (stored in app_setting; the PIN never is)."""
    params = KdfParams.new()
    return {
        "kdf": "scrypt",
        "salt": params.salt.hex(),
        "n": params.n,
        "r": params.r,
        "p": params.p,
        "hash": derive_key(pin, params).hex(),
    }


def pin_matches(pin: str, record: object) -> bool:
    """True when `pin` hashes to `record` (from `hash_pin`); False for a missing or damaged record."""
    import hmac

    if not isinstance(record, dict):
        return False
    try:
        params = KdfParams(
            bytes.fromhex(record["salt"]), int(record["n"]), int(record["r"]), int(record["p"])
        )
        expected = bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(derive_key(pin, params), expected)
