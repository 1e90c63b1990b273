"""Fixtures for the demo generator tests: one small demo data set written to disk once."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from kpilib.demo.generator import DemoDataset, generate_demo, write_demo

SMALL_ENGINEERS = 200
SMALL_MONTHS = 12
SMALL_SEED = 7
SMALL_START = "2025-01"


@dataclass(frozen=True)
class WrittenDemo:
    """A generated data set, the folder it was written to, and its files read back."""

    dataset: DemoDataset
    folder: Path
    org_units: pl.DataFrame
    employees: pl.DataFrame
    facts: pl.DataFrame


def read_csv_as_text(path: Path) -> pl.DataFrame:
    """Read a CSV with every column as text, the way an importer first sees it."""
    return pl.read_csv(path, infer_schema=False)


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> WrittenDemo:
    dataset = generate_demo(
        engineers=SMALL_ENGINEERS, months=SMALL_MONTHS, seed=SMALL_SEED, start=SMALL_START
    )
    folder = tmp_path_factory.mktemp("demo")
    files = write_demo(dataset, folder)
    return WrittenDemo(
        dataset=dataset,
        folder=folder,
        org_units=read_csv_as_text(files["org_units"]),
        employees=read_csv_as_text(files["employees"]),
        facts=read_csv_as_text(files["facts"]),
    )
