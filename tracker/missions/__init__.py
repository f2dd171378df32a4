"""Missions: loading them from files, and reading what the public pages show."""
