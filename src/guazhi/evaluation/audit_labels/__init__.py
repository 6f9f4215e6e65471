"""What the audit log page calls the evaluation app's actions, objects, detail keys and values.

Found by core/views/audit.py (it reads every app's `audit_labels` module); each area keeps its
own labels in a module beside this one and they are merged here.
"""

from guazhi.evaluation.audit_labels import commendations, forms, ratings, results, rounds

_AREAS = (rounds, ratings, results, forms, commendations)

ACTIONS = {key: value for area in _AREAS for key, value in area.ACTIONS.items()}
OBJECT_TYPES = {key: value for area in _AREAS for key, value in area.OBJECT_TYPES.items()}
DETAIL_KEYS = {key: value for area in _AREAS for key, value in area.DETAIL_KEYS.items()}
DETAIL_VALUES = {key: value for area in _AREAS for key, value in area.DETAIL_VALUES.items()}
