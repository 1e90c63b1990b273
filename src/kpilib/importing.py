"""The outcome of any import (employees, facts), printed as the CLI's last line."""

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Counts of what an import did, plus notes such as org units it had to create."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, quarantined {self.quarantined}"
        )
