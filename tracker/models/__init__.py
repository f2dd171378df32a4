"""The typed models, one module per part of the domain."""

# The SQLite search index has no model; importing it hooks its creation to create_all.
from tracker.models import search_index  # noqa: F401
from tracker.models.audit import AuditEvent
from tracker.models.conversation import (
    Attachment,
    DraftState,
    IncomingKind,
    IncomingMail,
    MailboxAddress,
    QuarantinedMail,
    ReplyDraft,
    SavedReply,
    SavedReplyVersion,
)
from tracker.models.inquiries import CodeLookupThrottle, FollowUp, Inquiry, InquiryEvent
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
    "Attachment",
    "AuditEvent",
    "CodeLookupThrottle",
    "Contact",
    "DraftState",
    "FollowUp",
    "IncomingKind",
    "IncomingMail",
    "Inquiry",
    "InquiryEvent",
    "LoginThrottle",
    "MailboxAddress",
    "Mission",
    "MissionEvent",
    "Office",
    "OutboxMessage",
    "OutboxStatus",
    "PhaseAssignment",
    "PrivacyRun",
    "PrivacyRunKind",
    "QuarantinedMail",
    "ReplyDraft",
    "RoutingRule",
    "RoutingRuleContact",
    "SavedReply",
    "SavedReplyVersion",
    "User",
    "stats_day_durations",
    "stats_day_tallies",
    "stats_days",
    "stats_scope_outlets",
]
