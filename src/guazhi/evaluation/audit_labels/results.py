"""Audit labels of the results area (merged in guazhi.evaluation.audit_labels)."""

from django.utils.functional import Promise

ACTIONS: dict[str, Promise] = {}
OBJECT_TYPES: dict[str, Promise] = {}
DETAIL_KEYS: dict[str, Promise] = {}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {}
