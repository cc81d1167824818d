"""The International Code of Conduct's paragraph map (2010 numbering, paragraphs 1-70).

Findings and complaints cite the paragraphs concerned; a paragraph outside this map is an
input error, never a silent pass.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

__all__ = ["CODE_PARAGRAPHS", "CodeSection", "CODE_SECTIONS", "code_section", "is_code_paragraph"]


@attrs.frozen
class CodeSection:
    """A titled run of Code paragraphs, ``first`` to ``last`` inclusive."""

    first: int
    last: int
    title: str
    part: str

    @property
    def paragraphs(self) -> range:
        return range(self.first, self.last + 1)


_PREAMBLE = "Preamble"
_IMPL = "Implementation"
_GEN = "General provisions"
_COMMIT = "General commitments"
_CONDUCT = "Specific principles regarding the conduct of personnel"
_MGMT = "Specific commitments regarding management and governance"
_REVIEW = "Review"

CODE_SECTIONS: tuple[CodeSection, ...] = (
    CodeSection(1, 8, "Preamble", _PREAMBLE),
    CodeSection(9, 12, "Implementation", _IMPL),
    CodeSection(13, 15, "General provisions", _GEN),
    CodeSection(16, 27, "General commitments", _COMMIT),
    CodeSection(28, 28, "General conduct", _CONDUCT),
    CodeSection(29, 29, "Rules for the use of force", _CONDUCT),
    CodeSection(30, 32, "Use of force", _CONDUCT),
    CodeSection(33, 33, "Detention", _CONDUCT),
    CodeSection(34, 34, "Apprehending persons", _CONDUCT),
    CodeSection(35, 37, "Prohibition of torture or other cruel, inhuman or degrading treatment", _CONDUCT),
    CodeSection(38, 38, "Sexual exploitation and abuse or gender-based violence", _CONDUCT),
    CodeSection(39, 39, "Human trafficking", _CONDUCT),
    CodeSection(40, 40, "Prohibition of slavery and forced labour", _CONDUCT),
    CodeSection(41, 41, "Prohibition on the worst forms of child labour", _CONDUCT),
    CodeSection(42, 42, "Discrimination", _CONDUCT),
    CodeSection(43, 43, "Identification and registering", _CONDUCT),
    CodeSection(44, 44, "Incorporation of the Code into company policies", _MGMT),
    CodeSection(45, 49, "Selection and vetting of personnel", _MGMT),
    CodeSection(50, 51, "Selection and vetting of subcontractors", _MGMT),
    CodeSection(52, 54, "Company policies and personnel contracts", _MGMT),
    CodeSection(55, 55, "Training of personnel", _MGMT),
    CodeSection(56, 59, "Management of weapons", _MGMT),
    CodeSection(60, 62, "Management of materiel of war", _MGMT),
    CodeSection(63, 63, "Incident reporting", _MGMT),
    CodeSection(64, 64, "Safe and healthy working environment", _MGMT),
    CodeSection(65, 65, "Harassment", _MGMT),
    CodeSection(66, 68, "Grievance procedures", _MGMT),
    CodeSection(69, 69, "Meeting liability requirements", _MGMT),
    CodeSection(70, 70, "Review", _REVIEW),
)
"""The sections of the International Code of Conduct, each a range of its 70 paragraphs."""

CODE_PARAGRAPHS: MappingProxyType[int, CodeSection] = MappingProxyType(
    {p: s for s in CODE_SECTIONS for p in s.paragraphs}
)
"""Paragraph number -> the section it belongs to, for every paragraph 1-70."""


def is_code_paragraph(paragraph: object) -> bool:
    """Whether ``paragraph`` is a paragraph number of the Code (an ``int`` in 1..70, not a bool)."""
    return isinstance(paragraph, int) and not isinstance(paragraph, bool) and paragraph in CODE_PARAGRAPHS


def code_section(paragraph: int) -> CodeSection:
    """The section a paragraph belongs to; ``KeyError`` outside 1-70."""
    return CODE_PARAGRAPHS[paragraph]
