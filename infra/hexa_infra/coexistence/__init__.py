"""Blue/green coexistence: change capture both ways between the monolith (blue) and the platform
(green), and what the facade and the rollout need from it (lag, drains).

blue -> green: triggers on the legacy tables append each row's new state to ``hexa_cdc.changes``
(:mod:`.capture`); :mod:`.blue_to_green` applies them through the migration's mapping and each
context's replication use cases. green -> blue: ``LegacyWriterFunction`` (template.yaml, under the
``Coexisting`` condition) writes the platform's own changes, read from its tables' streams, back to
the legacy tables (``functions/legacy_writer``).
"""
