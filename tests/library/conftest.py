"""Library fixtures: the built-in presales pack loaded into the database."""

import datetime
from importlib import resources

import pytest

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.library.services import pack_import
from tests.conftest import pinned

# The import's SMART check looks at the complete periods before "today" (no facts yet here).
IMPORTED_ON = datetime.date(2026, 11, 26)


def presales_pack_text() -> str:
    return (resources.files("kpilib") / "packs" / "presales.yaml").read_text(encoding="utf-8")


@pytest.fixture
def presales(db: None) -> str:
    text = presales_pack_text()
    with pinned(IMPORTED_ON):
        pack_import(actor=SYSTEM, origin=Origin.WEB, text=text, file_name="presales.yaml")
    return text
