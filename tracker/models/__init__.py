"""The typed models, one module per part of the domain."""

from tracker.models.inquiries import FollowUp, Inquiry, InquiryEvent
from tracker.models.missions import (
    Contact,
    Mission,
    MissionEvent,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
)
from tracker.models.users import LoginThrottle, User

__all__ = [
    "Contact",
    "FollowUp",
    "Inquiry",
    "InquiryEvent",
    "LoginThrottle",
    "Mission",
    "MissionEvent",
    "PhaseAssignment",
    "RoutingRule",
    "RoutingRuleContact",
    "User",
]
