"""Accounts: login sessions, roles, and the user administration commands."""
