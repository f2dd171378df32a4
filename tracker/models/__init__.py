"""The typed models, one module per part of the domain."""

# The SQLite search index has no model; importing it hooks its creation to create_all.
from tracker.models import search_index  # noqa: F401
from tracker.models.audit import AuditEvent
from tracker.models.inquiries import FollowUp, Inquiry, InquiryEvent
from tracker.models.missions import (
    Contact,
    Mission,
    MissionEvent,
    Office,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
)
from tracker.models.outbox import OutboxMessage, OutboxStatus
from tracker.models.privacy import PrivacyRun, PrivacyRunKind
from tracker.models.stats import (
    stats_day_durations,
    stats_day_tallies,
    stats_days,
    stats_scope_outlets,
)
from tracker.models.users import ApiToken, LoginThrottle, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Contact",
    "FollowUp",
    "Inquiry",
    "InquiryEvent",
    "LoginThrottle",
    "Mission",
    "MissionEvent",
    "Office",
    "OutboxMessage",
    "OutboxStatus",
    "PhaseAssignment",
    "PrivacyRun",
    "PrivacyRunKind",
    "RoutingRule",
    "RoutingRuleContact",
    "User",
    "stats_day_durations",
    "stats_day_tallies",
    "stats_days",
    "stats_scope_outlets",
]
