"""Signals other domains subscribe to (deadlines recompute, rules re-evaluate).

They are sent by the cases services after the change is flushed, inside the same transaction, so
subscribers write in that transaction too and everything commits or rolls back together.
"""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=case`` and ``actor=user`` after a case, its documents, fees, checks or status changed.
case_changed = _signals.signal("case-changed")
#: Sent with ``sender=person`` and ``actor=user`` after raw facts of a person changed (residence, certificates, ...).
person_changed = _signals.signal("person-changed")
