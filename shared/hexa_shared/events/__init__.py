"""Integration events: the envelope, their JSON Schemas, and the EventBridge publisher."""

from hexa_shared.events.envelope import IntegrationEvent, parse_eventbridge_message  # noqa: F401
