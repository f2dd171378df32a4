"""Inquiries: taking them in (intake), and the rules of their response clock."""
