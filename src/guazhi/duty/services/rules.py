"""A batch's on-duty rules, made with the defaults the first time anything asks for them."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from guazhi.duty.models import (
    DEFAULT_LOG_CATEGORIES,
    ApproverRole,
    CountingRule,
    DutyRules,
    LeaveApprovalRule,
    LeaveKind,
    LeaveType,
)
from guazhi.programmes.models import Batch

# National rules (../shared/DOMAIN.md): annual leave by years of service, counted in working
# days; home-visit leave counted in calendar days (its days depend on family circumstances,
# so the batch sets an entitlement when it wants one). The others are recorded without a quota.
DEFAULT_LEAVE_TYPES = (
    (LeaveKind.ANNUAL, CountingRule.WORKING_DAYS, None, True, False),
    (LeaveKind.HOME_VISIT, CountingRule.CALENDAR_DAYS, None, False, False),
    (LeaveKind.PERSONAL, CountingRule.WORKING_DAYS, None, False, False),
    (LeaveKind.SICK, CountingRule.WORKING_DAYS, None, False, True),
    (LeaveKind.MARRIAGE_FUNERAL, CountingRule.CALENDAR_DAYS, None, False, False),
    (LeaveKind.COMPENSATORY, CountingRule.WORKING_DAYS, None, False, False),
)

# The default chain by length (working or calendar days as the type counts them).
DEFAULT_CHAIN = (
    (Decimal(3), [ApproverRole.HOST_LEADER]),
    (Decimal(7), [ApproverRole.HOST_LEADER, ApproverRole.DISPATCH_ADMIN]),
    (None, [ApproverRole.HOST_LEADER, ApproverRole.DISPATCH_ADMIN, ApproverRole.COORDINATOR]),
)


def duty_rules_of(batch: Batch) -> DutyRules:
    """The batch's rules; the first call makes them, with the leave types and the chain."""
    found = DutyRules.objects.filter(batch=batch).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            rules = DutyRules.objects.create(
                batch=batch, log_categories=list(DEFAULT_LOG_CATEGORIES)
            )
            for kind, counting, days, by_service, attachment in DEFAULT_LEAVE_TYPES:
                LeaveType.objects.create(
                    batch=batch,
                    kind=kind,
                    counting=counting,
                    entitlement_days=days,
                    entitlement_by_service=by_service,
                    attachment_required=attachment,
                )
            for max_days, steps in DEFAULT_CHAIN:
                LeaveApprovalRule.objects.create(
                    batch=batch, max_days=max_days, steps=[str(step) for step in steps]
                )
            return rules
    except IntegrityError:  # made meanwhile by a concurrent first request
        return DutyRules.objects.get(batch=batch)
