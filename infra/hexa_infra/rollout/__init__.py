"""The rollout controller: traffic 10 → 50 → 100 % through the facade, gated by the guide's alerts
(migration-alerts.yml), rolling itself back without losing a write.

- :mod:`.plan` the plan and thresholds from the command line, validated before anything changes;
- :mod:`.gates` one evaluation: observations + thresholds → a decision (pure);
- :mod:`.store` the rollout's state and audit log, in the stack's TrafficStateTable (survives restarts);
- :mod:`.control` the running blue/green's control port (observations, drains, scaling);
- :mod:`.controller` the loop and the actions: promote (drain first), hold, investigate, roll back.
"""
