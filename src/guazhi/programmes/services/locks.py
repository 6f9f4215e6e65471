"""The batch row lock every programmes write takes before it reads the batch's state.

A batch's state gates most writes (applications while recruiting, groups and training while
serving, ...), and batch_transition changes it holding this same lock. A write that checked the
state on an unlocked copy could commit after the batch had moved on (on PostgreSQL, where writers
run side by side); taking the lock first makes it wait for the move and read the state it left.
"""

from guazhi.programmes.models import Batch


def locked_batch(pk: int) -> Batch:
    """The batch read afresh and locked for the rest of the caller's transaction."""
    return (
        Batch.objects.select_for_update(of=("self",)).select_related("coordinating_org").get(pk=pk)
    )
