"""Where a rule, a transition, a requirement or a parameter comes from: one citation type for all.

A citation names a document (the Articles of Association, the Code, a procedure, a policy) and an
article or paragraph in it, optionally a URL, and how firmly the text supports what cites it: the
domain sheet's marks ``confirmed`` (the text says so), ``inferred`` (read from practice or from
several texts) and ``parameter`` (a value the texts leave open, set by the user).
"""

from __future__ import annotations

from enum import StrEnum

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.model import validators as v

__all__ = ["Citation", "Mark"]


class Mark(StrEnum):
    """How firmly the cited text supports the claim (the domain sheet's [C], [I] and [P])."""

    CONFIRMED = "confirmed"
    INFERRED = "inferred"
    PARAMETER = "parameter"


@attrs.frozen(kw_only=True)
class Citation:
    """A place in an ICoCA text: ``document`` (e.g. ``"ICoCA Articles of Association"``), ``article``
    (e.g. ``"Art. 12.2.3"``; empty when the whole document is meant), an optional ``url`` and the
    ``mark`` (confirmed unless said otherwise). ``str()`` gives ``"document, article"``."""

    document: str = attrs.field(validator=v.text)
    article: str = attrs.field(default="", validator=v.typed(str, "a text (empty for the whole document)"))
    url: str | None = attrs.field(default=None, validator=v.optional(v.text))
    mark: Mark = attrs.field(default=Mark.CONFIRMED, validator=v.enum(Mark))

    def __str__(self) -> str:
        return f"{self.document}, {self.article}" if self.article else self.document

    @classmethod
    def parse(cls, text: str, *, mark: Mark = Mark.CONFIRMED, url: str | None = None) -> Citation:
        """The citation a short form ``"document, article"`` names (split at the first ``", "``;
        without one, the whole text is the document), so ``str(Citation.parse(s)) == s`` for any
        text not ending in ``", "`` whose document part is not blank (a citation names a
        document). Old files and code wrote citations so. Raises
        :class:`~icoc.errors.InvalidInput` for a value that is not text or names no document."""
        if not isinstance(text, str):
            raise InvalidInput(
                Problem("Citation", f"expected a citation or its short form (text), got {preview(text)}")
            )
        document, _, article = text.partition(", ")
        return cls(document=document, article=article, url=url, mark=mark)

    @classmethod
    def of(cls, value: Citation | str, *, mark: Mark = Mark.CONFIRMED) -> Citation:
        """``value`` itself when it is a citation, else its short form read by :meth:`parse`."""
        return value if isinstance(value, Citation) else cls.parse(value, mark=mark)
