"""The programmes forms, one module per area (batches, call, runs, selection, groups)."""
