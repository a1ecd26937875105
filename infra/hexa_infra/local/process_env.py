"""``os.environ`` changes that can be undone: a local cloud sets its endpoint and its functions' variables
for the whole process and puts every previous value back when it stops."""

from __future__ import annotations

import os
from collections.abc import Mapping


class EnvironmentPatch:
    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._saved.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def restore(self) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved = {}
