"""The results area's services in one place (what other areas import): aggregation when a round
closes, the committee's decision, the publicity of the top grade with objections, and the
person's acknowledgement. The work is split by step: aggregate.py, grading.py, decisions.py,
publicity.py.
"""

from guazhi.evaluation.services.aggregate import ResultsComputed, results_compute
from guazhi.evaluation.services.decisions import (
    flag_dismiss,
    quota_exception_approve,
    quota_exception_withdraw,
    result_grade_set,
    results_decide,
    results_reopen,
)
from guazhi.evaluation.services.publicity import (
    objection_raise,
    objection_resolve,
    result_acknowledge,
    results_publish,
)

__all__ = [
    "ResultsComputed",
    "flag_dismiss",
    "objection_raise",
    "objection_resolve",
    "quota_exception_approve",
    "quota_exception_withdraw",
    "result_acknowledge",
    "result_grade_set",
    "results_compute",
    "results_decide",
    "results_publish",
    "results_reopen",
]
