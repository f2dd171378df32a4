"""The triage queue: tabs, filters, urgency order, bulk actions, handover."""
