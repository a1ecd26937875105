"""green -> blue while the monolith and the platform coexist: the platform's own changes, read from
its tables' DynamoDB streams, written back to the monolith's PostgreSQL tables.

- :mod:`.vocabulary` the legacy value domains (the one table both directions of the mapping read);
- :mod:`.rows` a stream image → the legacy row it becomes (pure);
- :mod:`.legacy_tables` the PostgreSQL adapter: upserts that the change capture does not capture back;
- :mod:`.write_change` the use case: one stream record → one guarded write.
"""
