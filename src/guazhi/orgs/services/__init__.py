"""Every write to organisations, people and roles: validated, one transaction, audited."""

from guazhi.orgs.services.accounts import (
    account_create,
    role_grant,
    role_revoke,
)
from guazhi.orgs.services.cadres import (
    CADRE_FIELDS,
    PHONE,
    cadre_account_create,
    cadre_create,
    cadre_field_errors,
    cadre_input_errors,
    cadre_update,
    fill_cadre_pinyin,
    parse_tags,
    relative_errors,
)
from guazhi.orgs.services.units import (
    REGION_CODE,
    UNIT_FIELDS,
    fill_unit_pinyin,
    unit_create,
    unit_field_errors,
    unit_move,
    unit_update,
)

__all__ = [
    "CADRE_FIELDS",
    "PHONE",
    "REGION_CODE",
    "UNIT_FIELDS",
    "account_create",
    "cadre_account_create",
    "cadre_create",
    "cadre_field_errors",
    "cadre_input_errors",
    "cadre_update",
    "fill_cadre_pinyin",
    "fill_unit_pinyin",
    "parse_tags",
    "relative_errors",
    "role_grant",
    "role_revoke",
    "unit_create",
    "unit_field_errors",
    "unit_move",
    "unit_update",
]
