"""The programmes pages, one module per area (batches, call, runs, selection, groups)."""
