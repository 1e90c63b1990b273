"""Settings for the pytest suite: fast hashing, immediate tasks, a throw-away data directory."""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
# Each test process, every xdist worker included, gets its own throw-away data directory,
# whatever the shell exports (the Makefile exports the demo's): previews and import
# progress are files named by batch id, and the demo writes fixed file names, so two
# processes sharing one folder read each other's files.
os.environ["KPILIB_DATA_DIR"] = tempfile.mkdtemp(
    prefix=f"kpilib-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
)

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LANGUAGE_CODE = "en"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
