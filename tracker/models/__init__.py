"""The typed models, one module per part of the domain."""

from tracker.models.inquiries import Inquiry, InquiryEvent
from tracker.models.missions import (
    Contact,
    Mission,
    MissionEvent,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
)
from tracker.models.users import User

__all__ = [
    "Contact",
    "Inquiry",
    "InquiryEvent",
    "Mission",
    "MissionEvent",
    "PhaseAssignment",
    "RoutingRule",
    "RoutingRuleContact",
    "User",
]
