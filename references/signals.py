"""What the reference library tells the apps above it.

``notice_found`` is sent (inside the check's transaction) for each retraction,
expression of concern or correction newly recorded on a reference; the editorial
workflow listens to alert editors. The library itself imports nothing above it.
"""

from django.dispatch import Signal

# Sent with ``notice``: the new ``ReferenceNotice``.
notice_found = Signal()
