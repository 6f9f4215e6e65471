"""Reading leave: a person's requests, the approval inbox, one request (see selectors.scope)."""
