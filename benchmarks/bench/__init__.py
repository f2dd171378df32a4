"""``python -m benchmarks.bench`` (``make bench``): how fast the pages are with a year of
inquiries.

``builder`` fills a throw-away database the way a year of country visits would,
``runner`` times the pages through the test client, ``baselines`` times a bare Flask
route and a bare Flask-SQLAlchemy insert in the same run, and ``cli`` ties them together
and prints the table (``report`` formats it).
"""
