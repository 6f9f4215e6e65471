"""Views of the programmes app, one module per area; thin: parse, call a service or selector, render."""
