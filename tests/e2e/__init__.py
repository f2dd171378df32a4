"""Browser tests. A package, so that its conftest is ``e2e.conftest`` and never shadows
``tests/conftest.py``, which other test modules import as ``conftest``."""
