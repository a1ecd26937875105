"""JSON in and out, as RFC 8259 says and as the platform can store it.

Python's ``json`` accepts ``NaN``, ``Infinity``, numbers that overflow to ``inf`` (``1e309``),
duplicate keys (the last silently wins), lone surrogates (``"\\ud800"``, not storable as UTF-8) and
nesting deep enough to raise ``RecursionError``; it also *writes* ``NaN``, which no other parser
reads. :func:`loads` refuses all of that with :class:`JsonRejected` (a ``ValueError`` whose message
says what is wrong); :func:`dumps` refuses to emit non-finite numbers.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hexa_shared.formats import broken_unicode

MAX_DEPTH = 32


class JsonRejected(ValueError):
    """Not JSON the platform accepts; the message names the problem (never echoes the input)."""


def _constant(name: str) -> Any:
    raise JsonRejected(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRejected(f"number {text[:20]} is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonRejected(f"duplicate key {key[:40]!r}")
        result[key] = value
    return result


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse strictly; raises :class:`JsonRejected` (a ``ValueError``) with the reason."""
    try:
        value = json.loads(
            text, parse_constant=_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys
        )
    except JsonRejected:
        raise
    except RecursionError:
        raise JsonRejected(f"nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise JsonRejected("not UTF-8 text") from None
    except ValueError as error:
        raise JsonRejected(f"not valid JSON: {error}") from None
    _check(value, max_depth)
    return value


def _check(value: Any, max_depth: int) -> None:
    """Depth and Unicode of every container, key and string, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if broken_unicode(node):
                raise JsonRejected("a string contains invalid Unicode (a lone surrogate)")
            continue
        if not isinstance(node, (dict, list)):
            continue
        if depth > max_depth:
            raise JsonRejected(f"nested deeper than {max_depth} levels")
        children = list(node.values()) + list(node.keys()) if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)


def dumps(value: Any, **kwargs: Any) -> str:
    """Compact JSON; a non-finite number raises ``ValueError`` instead of writing ``NaN``."""
    kwargs.setdefault("separators", (",", ":"))
    return json.dumps(value, allow_nan=False, **kwargs)
