"""Chalice apps made safe for the local gateway, which serves requests concurrently in one process.

``chalice local`` does the same. ``make_chalice_thread_local`` is importable from
``hexa_infra.local.functions`` as before.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["make_chalice_thread_local"]

_CLASS_LOCK = threading.Lock()


def _thread_local_property(name: str) -> property:
    def get(self: Any) -> Any:
        return getattr(self.__dict__["_hexa_thread_local"], name, None)

    def set_(self: Any, value: Any) -> None:
        setattr(self.__dict__["_hexa_thread_local"], name, value)

    return property(get, set_, doc=f"thread-local {name} (local runtime)")


_thread_local_classes: dict[type, type] = {}


def make_chalice_thread_local(app: Any) -> bool:
    """Make a Chalice app's per-request attributes thread-local; False if ``app`` is not Chalice.

    Chalice stores ``current_request`` and ``lambda_context`` on the app instance, which is fine in
    Lambda (one request per container) but races when one process serves requests concurrently.
    Swapping the instance's class for a subclass with data descriptors keeps ``isinstance`` and
    every other behaviour intact.
    """
    try:
        from chalice.app import Chalice
    except ImportError:
        return False
    if not isinstance(app, Chalice):
        return False
    if "_hexa_thread_local" in app.__dict__:
        return True
    base = type(app)
    with _CLASS_LOCK:
        subclass = _thread_local_classes.get(base)
        if subclass is None:
            subclass = type(
                f"ThreadLocal{base.__name__}",
                (base,),
                {
                    "current_request": _thread_local_property("current_request"),
                    "lambda_context": _thread_local_property("lambda_context"),
                },
            )
            _thread_local_classes[base] = subclass
    for name in ("current_request", "lambda_context"):
        app.__dict__.pop(name, None)
    app.__dict__["_hexa_thread_local"] = threading.local()
    app.__class__ = subclass
    return True
