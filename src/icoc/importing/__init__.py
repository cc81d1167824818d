"""Importing a registry document: the events that lead to its snapshot, replayed into a Registry.

A document says where everything stands on one date; the registry only changes through events.
The import writes the shortest history the workflows accept that ends where the document says,
dated with the document's own dates (the best available one when a step's date is not recorded,
never the wall clock and never later than ``as_of``), so rules, explanations and eligibility
checks run on document files. Every generated event has the cause ``import``
(:data:`IMPORT_CAUSE`). :meth:`icoc.Registry.from_document` is the usual way in.

How records become events, one private module per kind of record:

- members (companies, CSOs, governments, observers): admitted on ``joined``, then suspended,
  terminated or withdrawn on ``status_since`` (``_members``);
- ICoCA certifications and the other certificates a company holds (``_certification``);
- self-assessments (``_self_assessments``);
- complaints, compliance cases and their corrective action plans (``_cases``);
- the Board's seats and directors (``_board``);
- the plan putting them in order (``_plan``, with the shared machinery in ``_common``) and its
  replay into a registry, checked against the document (``_replay``).

Members' own histories are applied first, then the board, complaints and cases, and last the
terminations and withdrawals: a case, complaint or director the document keeps about a member is
imported even when it is dated after the member left. Each subject's events are in date order.

Some documents cannot be a registry's history: a company providing no security services (the
registry makes such an applicant an observer, never a PSC member), a case or complaint whose id is
also a member's or another record's (subjects share one id space), or records that contradict
each other (a case implemented before its plan was recommended, a certified member whose
certification lapsed before it joined, a suspension "from certified member" with no certification
granted before it, anything a workflow guard refuses).
A document the workflows cannot reach raises :class:`~icoc.errors.InvalidInput` naming the record
(``$.companies[3]...``); no half-built registry is ever returned. After the replay the import
checks that every member, case and complaint stands where the document says.

This package sits below :mod:`icoc.registry`: it knows a registry only as an
:class:`ImportTarget`, and the registry calls :func:`import_document` with its own class.
"""

from __future__ import annotations

from icoc.importing._common import IMPORT_CAUSE
from icoc.importing._plan import events_from_document
from icoc.importing._replay import ImportTarget, import_document

__all__ = ["IMPORT_CAUSE", "ImportTarget", "events_from_document", "import_document"]
