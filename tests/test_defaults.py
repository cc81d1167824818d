"""``DEFAULT`` keeps signatures short; ``help(Registry)`` must not print whole rule sets."""

from __future__ import annotations

import inspect
import pickle

import icoc
from icoc.defaults import DEFAULT, Default


def test_default_is_one_short_word_and_survives_copying() -> None:
    assert repr(DEFAULT) == "DEFAULT" and list(Default) == [DEFAULT]
    assert pickle.loads(pickle.dumps(DEFAULT)) is DEFAULT


def test_the_registry_signature_stays_short() -> None:
    assert len(str(inspect.signature(icoc.Registry))) < 400


def test_signatures_print_no_catalogue_or_rule_set() -> None:
    from icoc.model import RegistryDocument
    from icoc.simulation import Scenario

    for cls in (RegistryDocument, Scenario):
        signature = str(inspect.signature(cls))
        assert "Standard(id=" not in signature and "Rule(" not in signature, cls
        assert len(signature) < 1000, (cls, len(signature))
