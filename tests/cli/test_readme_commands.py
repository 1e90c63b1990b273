"""The README's command-line section, read from the README itself: every file a line reads
either ships with the repository or is written by a line above it (a new user copies the
lines in order, in a shell with nothing exported)."""

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from kpilib.cli.main import app

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
runner = CliRunner()


def command_lines() -> list[list[str]]:
    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "README: no bash block under 'The command line'"
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [shlex.split(line) for line in lines if line.startswith("kpilib ")]


def test_every_input_file_ships_or_is_written_by_an_earlier_line() -> None:
    written: set[str] = set()
    for words in command_lines():
        if "--output-dir" in words:
            written.add(words[words.index("--output-dir") + 1].rstrip("/"))
        for option in ("--input", "--facts"):
            if option in words:
                path = words[words.index(option) + 1]
                assert path.split("/")[0] in written or (ROOT / path).is_file(), (
                    f"README.md: `{' '.join(words)}` reads {path}, which nobody ships or writes"
                )


def test_the_ahp_line_runs_as_written_from_the_repository_root(monkeypatch) -> None:
    (ahp_line,) = [words for words in command_lines() if words[1] == "ahp"]
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ahp_line[1:])
    assert result.exit_code == 0, result.stderr
    assert "CR 0.003" in result.stdout
