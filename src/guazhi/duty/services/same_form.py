"""One form sent twice makes one record.

A double tap, or a phone resending a form after a dropped connection, sends the same thing
again moments later. The services that create records lock the person's (or the batch's) row,
then look for the identical record made since `same_form_since()`: found, it is the answer to
the second submission too. Five minutes covers a retry without merging two real records that
happen to read the same on different occasions.
"""

import datetime as dt

from django.utils import timezone

SAME_FORM_WINDOW = dt.timedelta(minutes=5)


def same_form_since() -> dt.datetime:
    """Records made after this moment may be the same form sent again."""
    return timezone.now() - SAME_FORM_WINDOW
