"""Every model imported, so ``Base.metadata`` is complete: Alembic and the tests read it.

It sits above every package that defines tables (a new model is added here).
"""

from gateway.audit.conversations import StoredResponse
from gateway.audit.models import GatewayProcess, Interaction
from gateway.audit.reading.models import AccessLogEntry
from gateway.auth.models import ApiKey, ConsoleSession, RevocationNotice
from gateway.db.base import Base
from gateway.identity.models import DirectoryGroup, GroupMember, Person
from gateway.limits.models import UsageCounter
from gateway.review.models import ReviewDecision

__all__ = [
    "AccessLogEntry", "ApiKey", "Base", "ConsoleSession", "DirectoryGroup", "GatewayProcess",
    "GroupMember", "Interaction", "Person", "ReviewDecision", "RevocationNotice",
    "StoredResponse", "UsageCounter",
]
