"""The SCIM 2.0 service, mounted at ``/scim/v2``: its own small application, so that every
answer, errors included, is SCIM's (``application/scim+json``, RFC 7644 §3.12 errors).

Routes are thin: authenticate the bearer token, read the body with scim2-models, call
:mod:`.users` or :mod:`.groups` in one transaction, answer. A deprovisioning commits, then
drops the key cache, so the person's keys stop at once in this process (and within the
cache's TTL, or the revocation notice, in the others).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    ListResponse,
    NotFoundException,
    PatchOp,
    ResponseParameters,
    SCIMException,
    ScimFilter,
    SearchRequest,
    UnauthorizedException,
)
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gateway.scim import groups, resources, users
from gateway.scim.resources import MAX_RESULTS, POLICY, Group, User
from gateway.state import GatewayState

logger = logging.getLogger(__name__)
MEDIA_TYPE = "application/scim+json"


def scim_response(body: Any, status_code: int = 200, location: str | None = None) -> Response:
    headers = {"Location": location} if location else None
    return Response(orjson.dumps(body), status_code=status_code, media_type=MEDIA_TYPE,
                    headers=headers)


def error_response(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = Error(status=status, scim_type=scim_type, detail=detail)
    return scim_response(body.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status)


def _state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    directory = state.directory
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if directory.scim_digest is None:
        raise NotFoundException(detail="SCIM provisioning is not enabled (GATEWAY_SCIM_TOKEN)")
    if scheme.lower() != "bearer" or not directory.scim_token_matches(token.strip()):
        raise UnauthorizedException(detail="invalid or missing bearer token")
    return state


def _base_url(request: Request, state: GatewayState) -> str:
    base = state.directory.public_url or str(request.base_url).rstrip("/")
    return base + "/scim/v2"


async def _json(request: Request) -> Any:
    body = await request.body()
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidSyntaxException(detail="the body is not JSON") from exc


def _params(request: Request) -> ResponseParameters[Any]:
    query = request.query_params
    return ResponseParameters.model_validate({
        k: query[k] for k in ("attributes", "excludedAttributes") if query.get(k)})


def _paged(items: list[Any], start: int | None, count: int | None,
           params: ResponseParameters[Any]) -> dict[str, Any]:
    start = max(start or 1, 1)
    count = MAX_RESULTS if count is None else max(0, min(count, MAX_RESULTS))
    page = items[start - 1:start - 1 + count]
    listing: ListResponse[Any] = ListResponse[User | Group](
        total_results=len(items), start_index=start, items_per_page=len(page), resources=page)
    return listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=params)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError as exc:
        raise InvalidSyntaxException(detail=f"not a number: {value!r}") from exc


def _session(state: GatewayState) -> Session:
    return Session(state.engine)


def build() -> FastAPI:
    """The SCIM application (its ``state.gateway`` is set by the gateway's lifespan)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.exception_handler(SCIMException)
    async def _scim_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SCIMException)
        headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if exc.status == 401 else {}
        response = error_response(exc.status, exc.detail, exc.scim_type or None)
        response.headers.update(headers)
        return response

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ValidationError)
        first = Error.from_validation_errors(exc)[0]
        return error_response(first.status or 400, first.detail or "invalid", first.scim_type)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = "no such endpoint" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, detail)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error in SCIM %s", request.url.path)
        return error_response(500, "internal error; it was logged")

    _discovery_routes(app)
    _resource_routes(app, "Users", users_api())
    _resource_routes(app, "Groups", groups_api())

    @app.post("/.search")
    async def search_all(request: Request) -> Response:
        """A search across users and groups (RFC 7644 §3.4.3, at the service root)."""
        state = _state(request)
        body = SearchRequest[User | Group].model_validate(
            await _json(request), scim_ctx=Context.SEARCH_REQUEST, scim_policy=POLICY)
        text = str(body.filter) if body.filter is not None else None
        if text is not None:
            ScimFilter(text)  # a syntax error is a 400 before anything is searched
        base = _base_url(request, state)
        with _session(state) as db:
            found = [*users.search_users(db, text, base, strict=False),
                     *groups.search_groups(db, text, base, strict=False)]
        return scim_response(_paged(found, body.start_index, body.count, body))

    return app


def _discovery_routes(app: FastAPI) -> None:
    @app.get("/ServiceProviderConfig")
    def service_provider_config(request: Request) -> Response:
        state = _state(request)
        return scim_response(resources.service_provider_config(_base_url(request, state)))

    @app.get("/ResourceTypes")
    def resource_types(request: Request) -> Response:
        found = resources.resource_types(_base_url(request, _state(request)))
        return scim_response(_list(found))

    @app.get("/ResourceTypes/{name}")
    def resource_type(name: str, request: Request) -> Response:
        for item in resources.resource_types(_base_url(request, _state(request))):
            if item["id"] == name:
                return scim_response(item)
        raise NotFoundException(detail=f"no resource type {name}")

    @app.get("/Schemas")
    def schemas(request: Request) -> Response:
        return scim_response(_list(resources.schemas(_base_url(request, _state(request)))))

    @app.get("/Schemas/{schema_id}")
    def schema(schema_id: str, request: Request) -> Response:
        for item in resources.schemas(_base_url(request, _state(request))):
            if item["id"] == schema_id:
                return scim_response(item)
        raise NotFoundException(detail=f"no schema {schema_id}")


def _list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(items), "startIndex": 1, "itemsPerPage": len(items),
            "Resources": items}


class ResourceApi:
    """What the generic routes need from users or groups."""

    def __init__(self, model: Any, read: Callable[..., Any], get: Callable[..., Any],
                 show: Callable[..., Any], search: Callable[..., list[Any]],
                 create: Callable[..., Any], replace: Callable[..., None],
                 patch: Callable[..., None], remove: Callable[..., None]) -> None:
        self.model, self.read, self.get, self.show = model, read, get, show
        self.search, self.create, self.replace = search, create, replace
        self.patch, self.remove = patch, remove


def users_api() -> ResourceApi:
    return ResourceApi(
        User, users.read_user, users.get_person, users.to_user, users.search_users,
        users.create_user, users.replace_user,
        lambda db, row, op, base, mapping: users.patch_user(db, row, op, base, mapping),
        lambda db, row, mapping: users.delete_user(db, row))


def groups_api() -> ResourceApi:
    return ResourceApi(
        Group, groups.read_group, groups.get_group, groups.to_group, groups.search_groups,
        groups.create_group, groups.replace_group, groups.patch_group, groups.delete_group)


def _resource_routes(app: FastAPI, endpoint: str, api: ResourceApi) -> None:
    def dump(resource: Any, context: Context, params: ResponseParameters[Any] | None = None
             ) -> Any:
        return resource.model_dump(scim_ctx=context, response_parameters=params)

    def commit(db: Session, state: GatewayState) -> None:
        db.commit()
        # Deprovisionings revoke keys: no process may keep them cached as valid.
        state.authenticator.invalidate()

    @app.get(f"/{endpoint}")
    def listing(request: Request) -> Response:
        state, query = _state(request), request.query_params
        with _session(state) as db:
            found = api.search(db, query.get("filter"), _base_url(request, state))
        return scim_response(_paged(found, _int(query.get("startIndex")),
                                    _int(query.get("count")), _params(request)))

    @app.post(f"/{endpoint}/.search")
    async def search(request: Request) -> Response:
        state = _state(request)
        body = SearchRequest[api.model].model_validate(  # type: ignore[name-defined]
            await _json(request), scim_ctx=Context.SEARCH_REQUEST, scim_policy=POLICY)
        with _session(state) as db:
            text = str(body.filter) if body.filter is not None else None
            found = api.search(db, text, _base_url(request, state))
        return scim_response(_paged(found, body.start_index, body.count, body))

    @app.get(f"/{endpoint}/{{resource_id}}")
    def read(resource_id: str, request: Request) -> Response:
        state = _state(request)
        with _session(state) as db:
            resource = api.show(db, api.get(db, resource_id), _base_url(request, state))
        return scim_response(dump(resource, Context.RESOURCE_QUERY_RESPONSE, _params(request)))

    @app.post(f"/{endpoint}")
    async def create(request: Request) -> Response:
        state = _state(request)
        model = api.read(await _json(request), Context.RESOURCE_CREATION_REQUEST)
        base = _base_url(request, state)
        with _session(state) as db:
            row = api.create(db, model, state.directory.mapping)
            commit(db, state)
            resource = api.show(db, row, base)
        return scim_response(dump(resource, Context.RESOURCE_CREATION_RESPONSE), 201,
                             location=f"{base}/{endpoint}/{resource.id}")

    @app.put(f"/{endpoint}/{{resource_id}}")
    async def replace(resource_id: str, request: Request) -> Response:
        state = _state(request)
        model = api.read(await _json(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        with _session(state) as db:
            row = api.get(db, resource_id)
            api.replace(db, row, model, state.directory.mapping)
            commit(db, state)
            resource = api.show(db, row, _base_url(request, state))
        return scim_response(dump(resource, Context.RESOURCE_REPLACEMENT_RESPONSE))

    @app.patch(f"/{endpoint}/{{resource_id}}")
    async def patch(resource_id: str, request: Request) -> Response:
        state = _state(request)
        operations = PatchOp[api.model].model_validate(  # type: ignore[name-defined]
            await _json(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY)
        base = _base_url(request, state)
        with _session(state) as db:
            row = api.get(db, resource_id)
            api.patch(db, row, operations, base, state.directory.mapping)
            commit(db, state)
            resource = api.show(db, row, base)
        return scim_response(dump(resource, Context.RESOURCE_PATCH_RESPONSE))

    @app.delete(f"/{endpoint}/{{resource_id}}")
    def remove(resource_id: str, request: Request) -> Response:
        state = _state(request)
        with _session(state) as db:
            api.remove(db, api.get(db, resource_id), state.directory.mapping)
            commit(db, state)
        return Response(status_code=204)
