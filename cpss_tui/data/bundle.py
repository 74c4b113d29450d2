"""Bundles: the JSON exchange format of spec/interface.md (`cpss-tui import` / `cpss-tui export`).

A bundle moves a caseload between a field laptop and a supervisor, onboards an agency, or feeds a script.
The public API lives here; the work is split by concern:

- `bundle_schema`: the format as a table of field specs, JSON parsing and every check that needs no database;
- `bundle_import`: references, conflicts and business refusals against the database, then one all-or-nothing
  write (`import_bundle`);
- `bundle_export`: the stable, streamed export (`export_bundle`).

Every refusal is a `BundleError` whose `problems` are one line each, naming list, record id and field, e.g.
`notes[n1].minutes: must be a whole number >= 0 (got -5)`; the command line prints them and exits with 2.
"""

from __future__ import annotations

from cpss_tui.data.bundle_export import export_bundle
from cpss_tui.data.bundle_import import (
    INTERVENTION_NAMESPACE,
    ImportReport,
    ListCounts,
    import_bundle,
    intervention_id,
)
from cpss_tui.data.bundle_schema import FORMAT, LISTS, VERSION, BundleError

__all__ = [
    "FORMAT",
    "INTERVENTION_NAMESPACE",
    "LISTS",
    "VERSION",
    "BundleError",
    "ImportReport",
    "ListCounts",
    "export_bundle",
    "import_bundle",
    "intervention_id",
]
