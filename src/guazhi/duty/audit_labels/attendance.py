"""Audit labels of the away-report and attendance area (merged in guazhi.duty.audit_labels)."""

from django.utils.functional import Promise

ACTIONS: dict[str, Promise] = {}
OBJECT_TYPES: dict[str, Promise] = {}
DETAIL_KEYS: dict[str, Promise] = {}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {}
