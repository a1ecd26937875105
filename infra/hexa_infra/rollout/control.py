"""The running blue/green's loopback control port, as the controller uses it (``hexa up --legacy-dsn``
serves it: :mod:`hexa_infra.coexistence.observer`)."""

from __future__ import annotations

from typing import Any

import requests


class ControlUnavailable(RuntimeError):
    """The blue/green control port does not answer (is `hexa up --legacy-dsn` running?)."""


class Control:
    def __init__(self, address: str, *, timeout: float = 10.0) -> None:
        self.base = f"http://{address}"
        self.http = requests.Session()
        self.timeout = timeout

    def observe(self, error_window: float, p95_window: float, since: float) -> dict[str, Any]:
        return self._call(
            "GET",
            "/coexistence",
            params={"error_window": error_window, "p95_window": p95_window, "since": since},
        )

    def drain(self, direction: str, low: float, high: float, timeout: float) -> dict[str, Any]:
        return self._call(
            "POST",
            "/coexistence/drain",
            json={"direction": direction, "low": low, "high": high, "timeout": timeout},
            timeout=timeout + self.timeout,
        )

    def scale(self, workers: int) -> dict[str, Any]:
        return self._call("POST", "/coexistence/scale", json={"workers": workers})

    def _call(self, method: str, path: str, timeout: float | None = None, **kwargs: Any) -> dict[str, Any]:
        try:
            answer = self.http.request(method, self.base + path, timeout=timeout or self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ControlUnavailable(
                f"the blue/green control port {self.base} does not answer: {error}"
            ) from None
        if answer.status_code == 404:
            raise ControlUnavailable(
                f"{self.base} serves no blue/green (start it with `hexa up --legacy-dsn`)"
            )
        if answer.status_code != 200:
            raise ControlUnavailable(f"{self.base}{path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()
