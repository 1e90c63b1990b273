"""Settings from the environment: a plain shell is enough, an explicit SECRET_KEY always wins,
production-safe defaults, and a clear reason when a value cannot be read."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kpilib.config import secret_key


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Like `env -i`: nothing but PATH and what the test passes, so no SECRET_KEY or DEBUG leaks in.
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=clean | env, capture_output=True, text=True, check=False
    )


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import kpilib.config.settings.base as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECRET_KEY)"
    return run_python(code, env)


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The installed `kpilib` console command, next to this interpreter.
    kpilib = Path(sys.executable).with_name("kpilib")
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [str(kpilib), "manage", *args], env=clean | env, capture_output=True, text=True, check=False
    )


def test_plain_shell_generates_a_private_key_once_and_reuses_it(tmp_path) -> None:
    # given a shell with nothing exported but PATH and the data directory
    env = {"KPILIB_DATA_DIR": str(tmp_path)}
    # when the settings load twice
    first = run_settings(env)
    second = run_settings(env)
    # then both start with DEBUG off, with the same key, kept in a file only the owner can read
    assert first.returncode == 0, first.stderr
    debug, secure_cookies, key = first.stdout.split()
    assert (debug, secure_cookies) == ("False", "True")
    assert len(key) >= 50
    assert second.stdout.split()[2] == key
    key_file = tmp_path / "secret-key"
    assert key_file.read_text(encoding="utf-8").strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret-key")] == []


def test_explicit_secret_key_wins_and_no_file_is_written(tmp_path) -> None:
    # given a key file from an earlier run and an explicit SECRET_KEY
    (tmp_path / "secret-key").write_text("from-the-file" * 5, encoding="utf-8")
    # when the settings load
    result = run_settings({"KPILIB_DATA_DIR": str(tmp_path / "fresh"), "SECRET_KEY": "x" * 50})
    explicit_over_file = run_settings({"KPILIB_DATA_DIR": str(tmp_path), "SECRET_KEY": "y" * 50})
    # then the explicit key is used, and no key file appears
    assert result.stdout.split() == ["False", "True", "x" * 50]
    assert not (tmp_path / "fresh" / "secret-key").exists()
    assert explicit_over_file.stdout.split()[2] == "y" * 50


def test_migrate_works_in_a_plain_shell(tmp_path) -> None:
    # given a shell with nothing exported and a new data directory
    # when the database is migrated
    result = run_manage({"KPILIB_DATA_DIR": str(tmp_path)}, "migrate", "--noinput", "-v", "0")
    # then it succeeds on the default SQLite database
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kpilib.sqlite3").exists()


def test_deploy_check_warns_when_the_key_came_from_the_file(tmp_path) -> None:
    # given production defaults and no SECRET_KEY, then an explicit SECRET_KEY
    from_file = run_manage({"KPILIB_DATA_DIR": str(tmp_path)}, "check", "--deploy")
    explicit = run_manage({"KPILIB_DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 60}, "check", "--deploy")
    plain_check = run_manage({"KPILIB_DATA_DIR": str(tmp_path)}, "check")
    # then only the deploy check with a generated key warns, naming the file
    assert "kpilib.W001" in from_file.stdout + from_file.stderr
    assert str(tmp_path / "secret-key") in from_file.stdout + from_file.stderr
    assert "kpilib.W001" not in explicit.stdout + explicit.stderr
    assert "kpilib.W001" not in plain_check.stdout + plain_check.stderr


def test_a_process_that_loses_the_race_uses_the_winners_key(tmp_path, monkeypatch) -> None:
    # given another process that writes its key while this one is generating its own
    winner = "w" * 60
    real_write = secret_key._write_private

    def write_then_lose(path: Path, key: str) -> None:
        real_write(path, key)
        (tmp_path / "secret-key").write_text(winner, encoding="utf-8")

    monkeypatch.setattr(secret_key, "_write_private", write_then_lose)
    # when this process asks for the key
    key, key_file = secret_key.key_from_file(tmp_path)
    # then it takes the winner's key, and leaves no temporary file behind
    assert key == winner
    assert key_file == tmp_path / "secret-key"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret-key"]


def test_an_empty_key_file_is_a_clear_error(tmp_path) -> None:
    # given a key file that was truncated
    (tmp_path / "secret-key").write_text("", encoding="utf-8")
    # when the key is read
    # then the error names the file and what to do
    with pytest.raises(ImproperlyConfigured, match="secret-key: the secret key file is empty"):
        secret_key.key_from_file(tmp_path)


def test_unreadable_debug_value_is_rejected(tmp_path) -> None:
    # given DEBUG set to something that is not a boolean
    # when the settings load
    result = run_settings({"KPILIB_DATA_DIR": str(tmp_path), "DEBUG": "maybe"})
    # then the error names the variable and the accepted values
    assert "DEBUG='maybe'" in result.stderr


DEPLOYMENT_DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def production_environment() -> dict[str, str]:
    """The `export NAME=value` lines of the production block in docs/deployment.md."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    block = text.split("<!-- production-environment -->", 1)[1].split("```bash", 1)[1]
    block = block.split("```", 1)[0]
    env = {}
    for line in block.strip().splitlines():
        name, value = line.removeprefix("export ").split("=", 1)
        env[name] = value.strip("'")
    return env


def test_security_settings_come_from_the_environment(tmp_path) -> None:
    # given HSTS preload, sub-domains and insecure cookies asked for in the environment
    code = (
        "import kpilib.config.settings.base as s; print(s.SECURE_HSTS_PRELOAD,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        "KPILIB_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 50,
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "true",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "no",
    }
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    # when the settings load
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean | env, capture_output=True, text=True, check=False
    )
    # then each one is what the environment says
    assert result.stdout.split() == ["True", "False", "False", "False"], result.stderr


def test_deploy_check_finds_nothing_with_the_documented_production_environment(
    tmp_path,
) -> None:
    # given the production environment exactly as docs/deployment.md gives it
    env = production_environment()
    assert env["SECURE_HSTS_PRELOAD"] == "true"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the doc shows a placeholder
    env |= {
        "KPILIB_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kpilib.config.settings.base",
    }
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DJANGO_")) and k != "DEBUG"
    }
    # when Django's deployment check runs, failing on any warning
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )
    # then it reports no issue at all
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
