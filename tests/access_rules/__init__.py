"""Authorisation rules per area, merged by tests/test_authorization_matrix.py.

Each module holds `RULES` (URL name -> Rule) for its area's views and `SCOPED` (URL kwarg ->
function(world, role) -> (inside, outside)) for the objects its views take.
"""
