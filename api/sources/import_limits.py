"""The rows and cells an imported file may have, and what a file past them is told. Readers
count them as they read, so a file past a limit is refused before the rest of it is held."""

from dataclasses import dataclass

from api.errors import Invalid
from api.settings import get_settings


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int
    max_cells: int

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        settings = get_settings()
        return cls(max_rows=settings.max_import_rows, max_cells=settings.max_import_cells)

    def too_many_cells(self) -> Invalid:
        return Invalid(f"The file has more than {self.max_cells:,} cells; split it.",
                       field="file")

    def too_many_rows(self) -> Invalid:
        return Invalid(f"The file has more than {self.max_rows:,} rows; split it.",
                       field="file")
