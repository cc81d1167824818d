"""icoc's Hypothesis plugin: with icoc installed, ``st.from_type`` knows every public model class.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported (the ``hypothesis`` entry
point in icoc's package metadata). It imports only the light model modules and registers a
deferred strategy per class, so importing Hypothesis does not load the registry or the rules:
``icoc.testing`` is imported on the first draw. It lives outside ``icoc.testing`` so that loading it
does not import that package.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    import inspect
    from enum import Enum

    from hypothesis import strategies as st

    import icoc.model
    import icoc.model.events

    def deferred(cls: type[Any]) -> st.SearchStrategy[Any]:
        def resolve() -> st.SearchStrategy[Any]:
            from icoc.testing import strategy_for

            return strategy_for(cls)

        return st.deferred(resolve)

    for module in (icoc.model, icoc.model.events):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and not issubclass(value, Enum):
                st.register_type_strategy(value, deferred(value))
