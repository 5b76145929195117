"""The rows and cells an imported file may have, and what a file past them is told. Readers
count them as they read, so a file past a limit is refused before the rest of it is held."""

from dataclasses import dataclass

from api.errors import Invalid
from api.i18n.catalogs import N_
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
        return Invalid(N_("The file has more than {max_cells:,} cells; split it."),
                       max_cells=self.max_cells,
                       field="file")

    def too_many_rows(self) -> Invalid:
        return Invalid(N_("The file has more than {max_rows:,} rows; split it."),
                       max_rows=self.max_rows,
                       field="file")
