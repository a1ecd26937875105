"""The migration dashboard: the guide's panels (business, technical, infrastructure, integration) and
the rollout, as one live page on the local gateway (``GET /_dashboard``) and as ``hexa migrate status``.

- :mod:`.business` counts from the platform's own tables;
- :mod:`.system` the processes' CPU and memory, and health probes;
- :mod:`.collector` one snapshot of everything, refreshed in the background only while someone watches;
- :mod:`.web` the page, its static files (uPlot, vendored: it works offline) and the admin-only data.
"""
