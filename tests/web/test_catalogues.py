"""The shipped translation catalogues are complete and compiled."""

import gettext
import re
from pathlib import Path

import kpilib

LOCALE = Path(kpilib.__file__).parent / "locale"
ENTRY = re.compile(
    r'^(?:msgctxt ("(?:[^"\\]|\\.)*")\n)?'
    r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)(?:msgid_plural .*\n)?msgstr(?:\[0\])? ((?:"(?:[^"\\]|\\.)*"\n?)+)',
    re.M,
)


def po_entries(path: Path) -> dict[str, str]:
    """msgid (as `context\x04msgid` when it has a context) → msgstr."""

    def text(block: str) -> str:
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
        return "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")

    entries = {}
    for match in ENTRY.finditer(path.read_text(encoding="utf-8")):
        context, msgid = match.group(1), text(match.group(2))
        if msgid:
            key = f"{text(context)}\x04{msgid}" if context else msgid
            entries[key] = text(match.group(3))
    return entries


def test_every_chinese_message_is_translated() -> None:
    # given the Simplified Chinese catalogue
    entries = po_entries(LOCALE / "zh_Hans/LC_MESSAGES/django.po")
    # then no message is left untranslated
    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_compiled_catalogue_matches_its_source() -> None:
    # given the .po source and the compiled .mo shipped beside it
    entries = po_entries(LOCALE / "zh_Hans/LC_MESSAGES/django.po")
    with (LOCALE / "zh_Hans/LC_MESSAGES/django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    # then every translation in the source is in the compiled file (run `make messages`)
    stale = [
        msgid
        for msgid, msgstr in entries.items()
        if catalogue.gettext(msgid) != msgstr and "%(counter)" not in msgid
    ]
    assert stale == []


def test_no_translation_is_a_fuzzy_guess() -> None:
    # given the catalogues as makemessages leaves them
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        text = path.read_text(encoding="utf-8")
        # then no entry carries makemessages' borrowed guess (never compiled, often wrong):
        # translate it and drop the flag
        assert re.findall(r"^#,.*\bfuzzy\b.*\n(?:#.*\n)*msgid (.*)$", text, re.M) == [], path
