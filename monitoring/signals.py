"""What monitoring announces to the layers above it (the inbox subscribes; monitoring imports nothing above)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that stored new mentions commits; ``mention_ids`` is a list of ints.
mentions_ingested = Signal()
