"""The HTTP edge every context's Chalice app uses: auth, parsing, errors, correlation ids."""

from hexa_shared.http.api import HttpApi, Reply, RequestContext  # noqa: F401
