"""Domain events of a contract: the facts the event store keeps, version by version.

Each kind of fact is its own frozen dataclass (its *payload*); :class:`ContractEvent` is the stored
envelope around one payload: which contract, which version, when, and the trace that stored it. The
store keeps a payload as its class name plus its fields as JSON, and :func:`payload_from` turns those
back into the dataclass, refusing a name or a field it does not know.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Union

from hexa_shared.clock import new_id


@dataclass(frozen=True)
class ContractDrafted:
    contract_type: str
    terms: dict[str, Any]


@dataclass(frozen=True)
class ContractTermsAmended:
    terms: dict[str, Any]


@dataclass(frozen=True)
class ContractSubmitted:
    pass


@dataclass(frozen=True)
class ContractSigned:
    signed_by: str


@dataclass(frozen=True)
class ContractActivated:
    pass


@dataclass(frozen=True)
class ContractTerminated:
    reason: str


@dataclass(frozen=True)
class MonolithState:
    """The monolith's state of a contract, as it was: one fact, never an invented history."""

    contract_type: str
    status: str
    terms: dict[str, Any]
    created_at: str
    signed_by: str | None = None
    signed_at: str | None = None
    activated_at: str | None = None
    termination_reason: str | None = None
    legacy_id: str | None = None


@dataclass(frozen=True)
class ContractMigrated(MonolithState):
    """A contract brought over from the monolith (always version 1)."""


@dataclass(frozen=True)
class ContractReplicated(MonolithState):
    """While the monolith still serves the partner: its newer state of a contract the platform has (change
    capture; like ContractMigrated never published, the monolith's own side effects already happened)."""


ContractPayload = Union[
    ContractDrafted,
    ContractTermsAmended,
    ContractSubmitted,
    ContractSigned,
    ContractActivated,
    ContractTerminated,
    ContractMigrated,
    ContractReplicated,
]
PAYLOADS: dict[str, type[ContractPayload]] = {
    cls.__name__: cls
    for cls in (
        ContractDrafted,
        ContractTermsAmended,
        ContractSubmitted,
        ContractSigned,
        ContractActivated,
        ContractTerminated,
        ContractMigrated,
        ContractReplicated,
    )
}
EVENT_TYPES = tuple(PAYLOADS)


def payload_from(event_type: str, data: dict[str, Any]) -> ContractPayload:
    """A stored ``event_type`` and ``data`` → its payload; ``ValueError`` for an unknown type or field."""
    kind = PAYLOADS.get(event_type)
    if kind is None:
        raise ValueError(f"unknown contract event type {event_type!r}")
    known = {f.name for f in fields(kind)}
    if unknown := sorted(set(data) - known):
        raise ValueError(f"{event_type} has no field {', '.join(unknown)}")
    try:
        return kind(**data)
    except TypeError as error:  # a required field is missing
        raise ValueError(f"{event_type}: {error}") from None


@dataclass(frozen=True)
class ContractEvent:
    contract_id: str
    version: int
    occurred_at: str
    payload: ContractPayload
    partner_id: str
    contract_type: str
    correlation_id: str = ""
    event_id: str = field(default_factory=new_id)
    trace_header: str | None = field(default=None, compare=False)  # X-Ray: the trace that stored it

    @classmethod
    def stored(cls, *, event_type: str, data: dict[str, Any], **envelope: Any) -> ContractEvent:
        """The event as the store keeps it: its type's name and its fields. A type or field this code does
        not know is a ``ValueError`` naming the stored event (contract and version)."""
        try:
            payload = payload_from(event_type, data)
        except ValueError as error:
            where = f"contract {envelope.get('contract_id')} version {envelope.get('version')}"
            raise ValueError(f"stored event of {where}: {error}") from None
        return cls(payload=payload, **envelope)

    @property
    def event_type(self) -> str:
        return type(self.payload).__name__

    @property
    def from_monolith(self) -> bool:
        """Is this the monolith's state of the contract (migrated or replicated), not a platform command?"""
        return isinstance(self.payload, MonolithState)

    @property
    def data(self) -> dict[str, Any]:
        """The payload's fields, as stored and as ``GET /contracts/{id}/events`` shows them."""
        return asdict(self.payload)

    def public_view(self) -> dict[str, Any]:
        """The shape of ``GET /contracts/{id}/events`` items."""
        return {
            "version": self.version,
            "event_type": self.event_type,
            "occurred_at": self.occurred_at,
            "data": self.data,
        }
