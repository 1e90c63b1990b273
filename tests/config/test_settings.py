"""Production-safe settings: DEBUG off without SECRET_KEY refuses to start, with a clear reason."""

import os
import subprocess
import sys


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import kpilib.config.settings.base as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code], env=clean | env, capture_output=True, text=True, check=False
    )


def test_missing_secret_key_with_debug_off_is_a_clear_startup_error(tmp_path) -> None:
    # given production defaults (DEBUG unset) and no SECRET_KEY
    # when the settings load
    result = run_settings({"KPILIB_DATA_DIR": str(tmp_path)})
    # then start-up fails naming the variable and how to fix it
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_use_secure_cookies(tmp_path) -> None:
    # given a secret key and DEBUG off
    # when the settings load
    result = run_settings({"KPILIB_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50})
    # then DEBUG is off and cookies are secure
    assert result.stdout.split() == ["False", "True"]


def test_unreadable_debug_value_is_rejected(tmp_path) -> None:
    # given DEBUG set to something that is not a boolean
    # when the settings load
    result = run_settings({"KPILIB_DATA_DIR": str(tmp_path), "DEBUG": "maybe"})
    # then the error names the variable and the accepted values
    assert "DEBUG='maybe'" in result.stderr
