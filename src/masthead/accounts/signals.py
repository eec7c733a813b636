"""Signals other apps listen to, so accounts never has to know about them.

Connect receivers in your AppConfig.ready().
"""

from django.dispatch import Signal

reader_deleting = Signal()
"""Sent just before a reader's account is erased, inside the erasing transaction.

Arguments: ``sender`` (the Reader class), ``reader`` (the Reader about to go).
Receivers detach or erase what they hold about the reader: comments become tombstones
(author cleared, body emptied), follows and notifications go, Premium is cancelled. A
receiver that raises aborts the deletion (the reader keeps their account and sees an
error), so raise only when erasing would be wrong, never for a lookup that found nothing.
"""

reader_deleted = Signal()
"""Sent after the erasing transaction committed.

Arguments: ``sender`` (the Reader class), ``reader_id`` (int), ``username`` (str).
For caches and search indexes to forget the reader; the row no longer exists.
"""
