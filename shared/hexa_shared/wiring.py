"""The composition roots' one mechanism (each context's ``bootstrap.py``).

A context's wiring is a class whose adapters are ``functools.cached_property``: each is built from the
environment on first use (so importing a handler creates no client), once per container, unless the
caller gave its own — a test's fake, or the migration's writer. Only declared adapters may be given.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping


class Wiring:
    def __init__(self, environ: Mapping[str, str] | None = None, **given: object) -> None:
        self.environ = os.environ if environ is None else environ
        unknown = sorted(set(given) - self.adapters())
        if unknown:
            raise TypeError(f"{type(self).__name__} has no adapter {', '.join(unknown)}")
        for name, adapter in given.items():
            if adapter is not None:
                self.__dict__[name] = adapter  # a cached_property's own slot: its default is never built

    @classmethod
    def adapters(cls) -> set[str]:
        return {
            name
            for klass in cls.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, functools.cached_property)
        }
