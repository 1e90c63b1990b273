"""Library fixtures: the built-in presales pack loaded into the database."""

from importlib import resources

import pytest

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.library.services import pack_import


def presales_pack_text() -> str:
    return (resources.files("kpilib") / "packs" / "presales.yaml").read_text(encoding="utf-8")


@pytest.fixture
def presales(db: None) -> str:
    text = presales_pack_text()
    pack_import(actor=SYSTEM, origin=Origin.WEB, text=text, file_name="presales.yaml")
    return text
