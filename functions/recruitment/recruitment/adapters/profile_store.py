"""Candidates and jobs in DynamoDB (pynamodb): the system of record the search index is built from."""

from __future__ import annotations

import functools
from typing import Any, Iterator

# the stream image decoder Powertools' DynamoDBStreamEvent uses: boto3's, without importing boto3 at load time
from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer
from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DeleteError, PutError
from pynamodb.models import Model

from hexa_shared.dynamo import bound, by_partner_index, query_page, scan_page
from hexa_shared.errors import Conflict
from recruitment.domain.profiles import Availability, Candidate, Job, JobStatus

_deserialize = TypeDeserializer().deserialize


class _CandidateItem(Model):
    candidate_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    skills = ListAttribute(of=UnicodeAttribute, null=True)
    experience_years = NumberAttribute()
    location = UnicodeAttribute()
    availability = UnicodeAttribute()
    profile_summary = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class _JobItem(Model):
    job_id = UnicodeAttribute(hash_key=True)
    partner_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    required_skills = ListAttribute(of=UnicodeAttribute, null=True)
    experience_required = NumberAttribute()
    location = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    by_partner = by_partner_index()


@functools.lru_cache(maxsize=None)
def _model(base: type, table_name: str) -> Any:
    return bound(base, table_name)


def candidate_from(values: dict[str, Any]) -> Candidate:
    return Candidate(
        candidate_id=values["candidate_id"],
        name=values["name"],
        email=values.get("email"),
        skills=tuple(values.get("skills") or ()),
        experience_years=int(values["experience_years"]),
        location=values["location"],
        availability=Availability(values["availability"]),
        profile_summary=values.get("profile_summary") or "",
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=int(values.get("version") or 0),
    )


def job_from(values: dict[str, Any]) -> Job:
    return Job(
        job_id=values["job_id"],
        partner_id=values["partner_id"],
        title=values["title"],
        description=values.get("description") or "",
        required_skills=tuple(values.get("required_skills") or ()),
        experience_required=int(values["experience_required"]),
        location=values["location"],
        status=JobStatus(values["status"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=int(values.get("version") or 0),
    )


def from_image(image: dict[str, Any]) -> dict[str, Any]:
    """A stream image (DynamoDB JSON) → plain values."""
    return {key: _deserialize(value) for key, value in image.items()}


def _values(item: Model) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.get_attributes()}


class _VersionedStore:
    """add / get / save / scan for one versioned item type; subclasses map the domain object to an item."""

    base: type
    parse: Any

    def __init__(self, table_name: str) -> None:
        self._model = _model(self.base, table_name)
        self._key = self._model._hash_keyname

    def _item(self, value: Any) -> Any:
        raise NotImplementedError

    def _versioned(self, item: Any, version: int) -> Any:
        if version:
            item.version = version
        return item

    def _parse(self, item: Any) -> Any:
        return type(self).parse(_values(item))

    def add(self, value: Any) -> None:
        self._item(value).save(condition=getattr(self._model, self._key).does_not_exist())

    def get(self, key: str) -> Any:
        try:
            return self._parse(self._model.get(key, consistent_read=True))
        except self._model.DoesNotExist:
            return None

    def save(self, value: Any) -> Any:
        """Only if nobody saved since ``value`` was read (VersionAttribute), else 409."""
        item = self._item(value)
        try:
            item.save()
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict("changed concurrently; reload and retry") from None
            raise
        return self._parse(item)

    def scan(self) -> Iterator[Any]:
        return (self._parse(item) for item in self._model.scan(page_size=500))


class DynamoCandidateStore(_VersionedStore):
    base, parse = _CandidateItem, staticmethod(candidate_from)

    def _item(self, c: Candidate) -> _CandidateItem:
        return self._versioned(
            self._model(
                c.candidate_id,
                name=c.name,
                email=c.email,
                skills=list(c.skills),
                experience_years=c.experience_years,
                location=c.location,
                availability=c.availability.value,
                profile_summary=c.profile_summary,
                created_at=c.created_at,
                updated_at=c.updated_at,
            ),
            c.version,
        )

    def delete(self, candidate_id: str) -> bool:
        try:
            self._model(candidate_id).delete(
                condition=self._model.candidate_id.exists(), add_version_condition=False
            )
            return True
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise


class DynamoJobStore(_VersionedStore):
    base, parse = _JobItem, staticmethod(job_from)

    def _item(self, j: Job) -> _JobItem:
        return self._versioned(
            self._model(
                j.job_id,
                partner_id=j.partner_id,
                title=j.title,
                description=j.description,
                required_skills=list(j.required_skills),
                experience_required=j.experience_required,
                location=j.location,
                status=j.status.value,
                created_at=j.created_at,
                updated_at=j.updated_at,
            ),
            j.version,
        )

    def list_for_partner(
        self, partner_id: str, status: JobStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Job], str | None]:
        items, token = query_page(
            self._model, self._model.by_partner, partner_id, self._status(status), limit, next_token
        )
        return [self._parse(item) for item in items], token

    def list_all(
        self, status: JobStatus | None, limit: int, next_token: str | None
    ) -> tuple[list[Job], str | None]:
        items, token = scan_page(self._model, self._status(status), limit, next_token)
        return [self._parse(item) for item in items], token

    def _status(self, status: JobStatus | None) -> Any:
        return None if status is None else self._model.status == status.value
