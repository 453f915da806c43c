"""The SCIM resources the gateway serves, and its discovery documents.

Only what the gateway uses is declared (and so stored and returned): a user's ``userName``
(their e-mail), ``name`` (given and family), ``displayName``, ``active``, ``externalId``,
their ``groups`` (read-only) and the enterprise ``department``; a group's ``displayName``
and ``members``. Whatever else a directory sends (phones, addresses, manager…) is accepted
and dropped: personal data the gateway has no use for is not kept.

The models are scim2-models' (pydantic), read under a policy that takes the directories as
they are: Entra ID's capitalised ``"Replace"``, ``"False"`` as a string, dotted keys in a
PATCH value, ``remove`` operations carrying a value, and filters on entries to create.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    Context,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200

POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


class Name(ComplexAttribute):
    family_name: str | None = None
    given_name: str | None = None


class GroupRef(ComplexAttribute):
    value: Annotated[str | None, Mutability.read_only] = None
    display: Annotated[str | None, Mutability.read_only] = None


class Member(ComplexAttribute):
    """A group member: a user of this gateway, by ``value`` (its id) and ``$ref``.

    ``display`` and ``type`` are left out: a directory sends what it likes there, the gateway
    would only answer its own words back (every member is a ``User``).
    """

    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[
        Reference[User | Group] | None,
        Mutability.immutable,
    ] = Field(None, serialization_alias="$ref", validation_alias="$ref")


class EnterpriseUser(Extension):
    """Enterprise User: the department only."""

    __schema__ = URN(ENTERPRISE_SCHEMA)
    department: str | None = None


class User(Resource[EnterpriseUser]):
    """User Account: a person allowed to use the gateway."""

    __schema__ = URN(USER_SCHEMA)
    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    # Required: the gateway has no use for a person neither active nor inactive (a creation
    # without it is read as active, see users.read_user).
    active: Annotated[bool | None, Required.true] = None
    groups: Annotated[list[GroupRef] | None, Mutability.read_only] = None


class Group(Resource[Any]):
    """Group: its name (or id) maps to a role or a department (GATEWAY_IDENTITY_MAPPING_FILE)."""

    __schema__ = URN(GROUP_SCHEMA)
    display_name: Annotated[str | None, Required.true] = None
    members: list[Member] | None = Field(default=None)


def service_provider_config(base_url: str) -> dict[str, Any]:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme.model_validate({
            "type": "oauthbearertoken", "name": "Bearer token",
            "description": "The token set in GATEWAY_SCIM_TOKEN", "primary": True})],
    )
    body = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": "ServiceProviderConfig",
                    "location": f"{base_url}/ServiceProviderConfig"}
    return body


def resource_types(base_url: str) -> list[dict[str, Any]]:
    types = [
        ResourceType.model_validate({
            "id": "User", "name": "User", "endpoint": "/Users", "description": "User Account",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}]}),
        ResourceType.model_validate({
            "id": "Group", "name": "Group", "endpoint": "/Groups", "description": "Group",
            "schema": GROUP_SCHEMA}),
    ]
    out = []
    for resource_type in types:
        body = resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "ResourceType",
                        "location": f"{base_url}/ResourceTypes/{resource_type.id}"}
        out.append(body)
    return out


def schemas(base_url: str) -> list[dict[str, Any]]:
    out = []
    for model in (User, Group, EnterpriseUser):
        body = model.to_schema().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{base_url}/Schemas/{body['id']}"}
        out.append(body)
    return out
