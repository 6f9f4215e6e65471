"""Page forms of the programmes app, one module per area; they parse, the services decide."""
