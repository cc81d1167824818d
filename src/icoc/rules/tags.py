"""Tags that select rules by what they are, never by id: a rule file may replace a default rule
under another id, or add a regime, and code that looks for "the certification deadlines" still
finds them by their tag (``rules.tagged(CERTIFICATION_DEADLINE)``)."""

from __future__ import annotations

__all__ = [
    "BOARD_TERM",
    "CERTIFICATION_DEADLINE",
    "CERTIFICATION_EXPIRY",
    "CORRECTIVE_ACTION_DEADLINE",
    "SELF_ASSESSMENT_MISSED",
    "SELF_ASSESSMENT_TERMINATION",
    "SUSPENSION_DEADLINE",
    "SWISS_REJOIN_WINDOW",
]

CERTIFICATION_DEADLINE = "certification-deadline"
"""A company's deadline to be ICoCA-certified (2016 deadline, transitional period, current regime,
recertification after a lapse); missing it proposes termination on ground certification-deadline."""
SELF_ASSESSMENT_MISSED = "self-assessment-missed"
"""An annual self-assessment not submitted by its due date is missed."""
SELF_ASSESSMENT_TERMINATION = "self-assessment-termination"
"""A missed self-assessment still outstanding after a grace period proposes termination."""
CORRECTIVE_ACTION_DEADLINE = "corrective-action-deadline"
"""Corrective action not verified by its deadline opens suspension proceedings."""
SUSPENSION_DEADLINE = "suspension-deadline"
"""A suspension not remedied within its period proposes termination."""
CERTIFICATION_EXPIRY = "certification-expiry"
"""ICoCA certification lapses with the external certificate it rests on."""
SWISS_REJOIN_WINDOW = "swiss-rejoin-window"
"""A Swiss PSC excluded or withdrawn has a period to rejoin."""
BOARD_TERM = "board-term"
"""A director's term ends on its end date."""
