"""Managers' statistics: SQL aggregates in queries.py, thin views, server-rendered SVG charts."""
