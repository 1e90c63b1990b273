"""The secret key when the environment gives none: one random key per data directory.

`SECRET_KEY` from the environment always wins. Without it, the first process that needs a
key generates one (`secrets.token_urlsafe(50)`) and keeps it in `KPILIB_DATA_DIR/secret-key`
with mode 0600; every later process, and every process on the same data directory, reads
the same key back, so sessions and signed links survive restarts.

The file is created atomically: the key is written and flushed to a private temporary
file, which is then hard-linked to its final name. A link never replaces an existing file,
so when two processes start at once exactly one link succeeds and the other process reads
the winner's key; nobody ever reads a half-written file. Several hosts cannot share a
file like this: they need one explicit `SECRET_KEY` (docs/deployment.md).
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret-key"


def _read_key(key_file: Path) -> str:
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{key_file}: cannot read the secret key file ({exc.strerror}).") from exc
    if not key:
        raise ImproperlyConfigured(
            f"{key_file}: the secret key file is empty. Delete it to generate a new key "
            "(signed-in users will have to sign in again), or export SECRET_KEY."
        )
    return key


def _write_private(path: Path, key: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (key + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def key_from_file(data_dir: Path) -> tuple[str, Path]:
    """Return the data directory's key and its file, generating both on first use."""
    key_file = data_dir / KEY_FILE_NAME
    if key_file.exists():
        return _read_key(key_file), key_file
    temporary = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(8)}"
    _write_private(temporary, secrets.token_urlsafe(50))
    try:
        os.link(temporary, key_file)
    except FileExistsError:
        pass  # another process created the key first: use that one
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{key_file}: cannot create the secret key file ({exc.strerror}); export SECRET_KEY instead."
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return _read_key(key_file), key_file
