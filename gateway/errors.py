"""The gateway's one error tree.

Every failure a client can see is a :class:`GatewayError` carrying its HTTP status and
stable ``code``; one handler renders it in the OpenAI or Anthropic shape::

    GatewayError
    ├── AuthenticationError       401 invalid_api_key
    ├── InvalidRequestError       400 invalid_request
    │   └── ConflictError         409 conflict
    ├── NotFoundError             404 not_found
    ├── MethodNotAllowedError     405 method_not_allowed
    ├── ModelNotFoundError        404 model_not_found
    ├── RequestTooLargeError      413 request_too_large
    ├── PermissionDeniedError     403 forbidden
    │   ├── PolicyViolationError  403 policy_violation
    │   └── ApprovalRequiredError 403 approval_required
    ├── RateLimitedError          429 rate_limited
    │   └── BudgetExceededError   429 budget_exceeded
    ├── UpstreamError             502 upstream_error
    │   └── UpstreamTimeoutError  504 upstream_timeout
    ├── AuditUnavailableError     503 audit_unavailable
    └── ServiceUnavailableError   503 service_unavailable
        ├── RedactionUnavailableError 503 redaction_unavailable
        └── DatabaseUnavailableError  503 database_unavailable

:class:`ConfigError` is separate: it stops the process at start, it never reaches a client.
"""

from __future__ import annotations


class ConfigError(Exception):
    """Invalid configuration, reported at start with what to fix."""


class GatewayError(Exception):
    """Base of every error a client may receive."""

    status_code = 500
    code = "internal_error"
    # The OpenAI ``error.type`` family, which SDKs and tools switch on.
    openai_type = "api_error"
    anthropic_type = "api_error"
    # Set by provider adapters: the same call may be tried again (connect error, reset, 5xx,
    # 429), and after how many seconds the provider asked for (Retry-After), if it did.
    retryable = False
    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = headers or {}


class AuthenticationError(GatewayError):
    status_code = 401
    code = "invalid_api_key"
    openai_type = "authentication_error"
    anthropic_type = "authentication_error"


class InvalidRequestError(GatewayError):
    status_code = 400
    code = "invalid_request"
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"


class RequestTimeoutError(GatewayError):
    """The client did not send its whole request in time, or left before it did."""

    status_code = 408
    code = "request_timeout"
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"


class MethodNotAllowedError(GatewayError):
    status_code = 405
    code = "method_not_allowed"
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"


class ModelNotFoundError(GatewayError):
    status_code = 404
    code = "model_not_found"
    openai_type = "invalid_request_error"
    anthropic_type = "not_found_error"


class RequestTooLargeError(GatewayError):
    status_code = 413
    code = "request_too_large"
    openai_type = "invalid_request_error"
    anthropic_type = "request_too_large"


class PermissionDeniedError(GatewayError):
    status_code = 403
    code = "forbidden"
    openai_type = "permission_error"
    anthropic_type = "permission_error"


class PolicyViolationError(PermissionDeniedError):
    code = "policy_violation"


class ApprovalRequiredError(PermissionDeniedError):
    code = "approval_required"


class RateLimitedError(GatewayError):
    status_code = 429
    code = "rate_limited"
    openai_type = "rate_limit_error"
    anthropic_type = "rate_limit_error"


class BudgetExceededError(RateLimitedError):
    code = "budget_exceeded"


class UpstreamError(GatewayError):
    status_code = 502
    code = "upstream_error"
    openai_type = "api_error"
    anthropic_type = "api_error"


class UpstreamTimeoutError(UpstreamError):
    status_code = 504
    code = "upstream_timeout"


class AuditUnavailableError(GatewayError):
    status_code = 503
    code = "audit_unavailable"
    openai_type = "api_error"
    anthropic_type = "overloaded_error"


class ServiceUnavailableError(GatewayError):
    status_code = 503
    code = "service_unavailable"
    anthropic_type = "overloaded_error"


class RedactionUnavailableError(ServiceUnavailableError):
    """The personal-data scan failed: the request is refused rather than sent unscanned."""

    code = "redaction_unavailable"


class DatabaseUnavailableError(ServiceUnavailableError):
    """A store the request needs (keys, limits, reviews, the log's reads) is locked or
    unreachable: the client may retry, it is not the gateway's bug."""

    code = "database_unavailable"


class ConflictError(InvalidRequestError):
    """The request is valid but the resource's state forbids it (e.g. a final decision)."""

    status_code = 409
    code = "conflict"


class NotFoundError(GatewayError):
    status_code = 404
    code = "not_found"
    openai_type = "invalid_request_error"
    anthropic_type = "not_found_error"
