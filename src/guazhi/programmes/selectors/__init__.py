"""Every read of the programmes app, scoped by the acting user's roles.

`scope` decides who sees which batch and which assignment; the area modules build on it.
"""
