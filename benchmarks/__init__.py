"""Measurements of tracker from outside the product package (not installed with it).

``python -m benchmarks.bench`` (``make bench``) and ``python -m benchmarks.form_floor``
(``make bench-form``) are modules of this package, run from the repository's root; the
load and fault scripts (``make load``, ``make faults``) are run by path and import their
helpers (burst, checks, served) as siblings.
"""
