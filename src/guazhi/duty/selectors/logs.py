"""Reading the work log, the task list and talks (see selectors.scope)."""
