"""Excel import of units and of the cadre roster, and export of the roster, run as jobs.

The column lists are declared once here and serve the sample workbook, the importer and the
exporter alike, so an exported roster can be edited and imported back unchanged. Rows are
written through the services (validation, scope checks and audit live there); this package
only reads cells, finds units by name and decides per row: create, update or leave alone.
"""

from guazhi.orgs.imports.columns import (
    CHOOSE,
    DATE_HELP,
    parse_code,
    parse_relatives,
    parse_tags,
    relatives_text,
)
from guazhi.orgs.imports.index import (
    MAX_UNIT_CHOICES,
    Key,
    UnitIndex,
    manageable_units,
    roster_units,
)
from guazhi.orgs.imports.roster import (
    CADRE_EXPORT,
    CADRE_IMPORT,
    CADRE_SHEET,
    CadreRows,
    cadre_export_job,
    cadre_export_rows,
    cadre_import_job,
    cadre_spec,
)
from guazhi.orgs.imports.units import (
    UNIT_FIELDS,
    UNIT_IMPORT,
    UNIT_SHEET,
    UnitRows,
    unit_import_job,
    unit_spec,
)

__all__ = [
    "CADRE_EXPORT",
    "CADRE_IMPORT",
    "CADRE_SHEET",
    "CHOOSE",
    "DATE_HELP",
    "MAX_UNIT_CHOICES",
    "UNIT_FIELDS",
    "UNIT_IMPORT",
    "UNIT_SHEET",
    "CadreRows",
    "Key",
    "UnitIndex",
    "UnitRows",
    "cadre_export_job",
    "cadre_export_rows",
    "cadre_import_job",
    "cadre_spec",
    "manageable_units",
    "parse_code",
    "parse_relatives",
    "parse_tags",
    "relatives_text",
    "roster_units",
    "unit_import_job",
    "unit_spec",
]
