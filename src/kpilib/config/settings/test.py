"""Settings for the pytest suite: fast hashing, immediate tasks, a throw-away data directory."""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("KPILIB_DATA_DIR", tempfile.mkdtemp(prefix="kpilib-test-"))

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LANGUAGE_CODE = "en"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
