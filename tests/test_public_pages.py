"""The public pages a journalist reads: the list of visits and a mission's contact page.

The clock is frozen in each phase of the seed mission (19 to 27 January 2015, Asia/Almaty)
and the pages are read the way a journalist reads them: which section, which contact,
which phone link, which local time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient

from tracker.models import Mission

MISSION_URL = "/missions/kazakhstan-2015"
MISSION_TITLE = (
    "Kazakhstan: first official visit by UN expert on freedoms of peaceful assembly and association"
)

# Whom the press release says to call, as the page shows them: name, tel: link, text.
GENEVA = [
    ("Thibaut Guillet", "tel:+41-22-917-93-89", "+41 22 917 93 89"),
    ("Karen Blanc", "tel:+41-22-917-94-00", "+41 22 917 94 00"),
]
ASTANA = [
    ("Leila Duisekova", "tel:+7-7172-69-65-50;ext=2293", "+7 7172 69 65 50 ext. 2293"),
]
MEDIA_UNIT = [("Xabier Celaya", "tel:+41-22-917-93-83", "+41 22 917 93 83")]


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The inside of the ``<section aria-labelledby=heading_id>``."""
    found = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, f"no section {heading_id!r} on the page"
    return found.group(1)


def index_sections(html: str) -> dict[str, str]:
    """The home page's sections by heading."""
    return dict(re.findall(r"<section>\s*<h2>(.*?)</h2>(.*?)</section>", html, re.S))


def contacts_in(html: str) -> list[tuple[str, str, str]]:
    """(name, tel: link, number as shown) for each contact card, in page order."""
    cards = re.findall(r'<div class="contact">(.*?)</div>', html, re.S)
    found = []
    for card in cards:
        name = re.search(r'<p class="contact-name">(.*?)</p>', card, re.S)
        assert name
        for href, text in re.findall(r'<a href="(tel:[^"]*)">(.*?)</a>', card):
            found.append((name.group(1).strip(), href, text.strip()))
    return found


def schedule_rows(html: str) -> dict[str, str]:
    """The schedule table's rows, by the phase named in the row header."""
    body = re.search(r"<tbody>(.*?)</tbody>", section(html, "schedule-heading"), re.S)
    assert body
    rows = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", body.group(1), re.S):
        label = re.search(r'<th scope="row">\s*([^<]*?)\s*<', row)
        assert label
        rows[label.group(1)] = row
    return rows


@pytest.mark.parametrize(
    ("when", "heading"),
    [
        ("2015-01-16T12:00:00+06:00", "Coming up"),
        ("2015-01-20T10:00:00+06:00", "Under way now"),
        ("2026-03-01T12:00:00+05:00", "Past visits"),
    ],
)
def test_home_page_lists_the_mission_under_its_timing(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    when: str,
    heading: str,
) -> None:
    set_now(when)
    sections = index_sections(page(client, "/"))
    assert list(sections) == [heading]
    assert f'href="{MISSION_URL}"' in sections[heading]
    assert MISSION_TITLE in sections[heading]
    assert "Maina Kiai" in sections[heading]


def test_home_page_without_missions_says_so(client: FlaskClient) -> None:
    assert "No missions have been published yet." in page(client, "/")


@pytest.mark.parametrize(
    ("when", "label", "sentence", "contacts"),
    [
        (
            "2015-01-16T12:00:00+06:00",
            "Before the mission",
            "The visit starts on Monday 19 January 2015",
            GENEVA,
        ),
        # The last minute before 00:00 on the first day, Astana time, is still "before".
        (
            "2015-01-18T23:59:00+06:00",
            "Before the mission",
            "The visit starts on Monday 19 January 2015",
            GENEVA,
        ),
        (
            "2015-01-19T00:00:00+06:00",
            "During the mission",
            "The expert is in Kazakhstan until Tuesday 27 January 2015",
            ASTANA,
        ),
        (
            "2015-01-27T23:59:00+06:00",
            "During the mission",
            "The expert is in Kazakhstan until Tuesday 27 January 2015",
            ASTANA,
        ),
        (
            "2015-01-28T00:00:00+06:00",
            "After the mission",
            "The visit ended on Tuesday 27 January 2015",
            GENEVA,
        ),
        (
            "2026-03-01T12:00:00+05:00",
            "After the mission",
            "The visit ended on Tuesday 27 January 2015",
            GENEVA,
        ),
    ],
)
def test_mission_page_names_the_phase_and_whom_to_call_now(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    when: str,
    label: str,
    sentence: str,
    contacts: list[tuple[str, str, str]],
) -> None:
    set_now(when)
    now = section(page(client, MISSION_URL), "now-heading")
    assert f"<strong>{label}.</strong>" in now
    assert sentence in now
    assert contacts_in(now) == contacts


def test_the_astana_number_keeps_its_extension(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now("2015-01-20T10:00:00+06:00")
    now = section(page(client, MISSION_URL), "now-heading")
    assert '<a href="tel:+7-7172-69-65-50;ext=2293">' in now
    assert "ext. 2293" in now


@pytest.mark.parametrize(
    ("when", "in_astana", "in_geneva"),
    [
        # Winter 2015: Astana UTC+6, Geneva UTC+1.
        (
            "2015-01-20T04:00:00+00:00",
            "Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6)",
            "Tue 20 Jan 2015, 05:00 (Europe/Zurich, UTC+1)",
        ),
        # Geneva on summer time.
        (
            "2015-06-15T12:00:00+00:00",
            "Mon 15 Jun 2015, 18:00 (Asia/Almaty, UTC+6)",
            "Mon 15 Jun 2015, 14:00 (Europe/Zurich, UTC+2)",
        ),
        # Kazakhstan has been on UTC+5 since 2024; Astana is already on the next day.
        (
            "2026-07-01T20:30:00+00:00",
            "Thu 2 Jul 2026, 01:30 (Asia/Almaty, UTC+5)",
            "Wed 1 Jul 2026, 22:30 (Europe/Zurich, UTC+2)",
        ),
    ],
)
def test_mission_page_shows_the_time_in_astana_and_in_geneva(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    when: str,
    in_astana: str,
    in_geneva: str,
) -> None:
    set_now(when)
    clocks = re.search(r'<p class="clocks">(.*?)</p>', page(client, MISSION_URL), re.S)
    assert clocks
    assert f"Local time in Kazakhstan: <strong>{in_astana}</strong>" in clocks.group(1)
    assert f"In Geneva: <strong>{in_geneva}</strong>" in clocks.group(1)


@pytest.mark.parametrize(
    ("when", "current"),
    [
        ("2015-01-10T12:00:00+06:00", "Before the mission"),
        ("2015-01-20T10:00:00+06:00", "During the mission"),
        ("2015-02-10T12:00:00+06:00", "After the mission"),
    ],
)
def test_mission_page_shows_the_whole_schedule_and_marks_the_current_phase(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    when: str,
    current: str,
) -> None:
    set_now(when)
    rows = schedule_rows(page(client, MISSION_URL))
    assert list(rows) == ["Before the mission", "During the mission", "After the mission"]
    assert "until Sunday 18 January 2015" in rows["Before the mission"]
    assert "Monday 19 January 2015 to Tuesday 27 January 2015" in rows["During the mission"]
    assert "from Wednesday 28 January 2015" in rows["After the mission"]
    assert contacts_in(rows["Before the mission"]) == GENEVA
    assert contacts_in(rows["During the mission"]) == ASTANA
    assert contacts_in(rows["After the mission"]) == GENEVA
    marked = [phase for phase, row in rows.items() if '<span class="badge">now</span>' in row]
    assert marked == [current]


def test_mission_page_shows_the_press_conference(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now("2015-01-20T10:00:00+06:00")
    conference = section(page(client, MISSION_URL), "conference-heading")
    assert "End-of-mission press conference" in conference
    assert "Tue 27 Jan 2015, 11:00 (Asia/Almaty, UTC+6)" in conference
    assert "06:00 UTC+1 in Geneva" in conference
    assert "Bukeykhan Str. 26" in conference
    assert f'href="{MISSION_URL}/inquire?request_type=accreditation"' in conference


@pytest.mark.parametrize(
    "when", ["2015-01-10T12:00:00+06:00", "2015-01-20T10:00:00+06:00", "2015-02-10T12:00:00+06:00"]
)
def test_mission_page_names_the_media_unit_for_other_experts(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime], when: str
) -> None:
    set_now(when)
    others = section(page(client, MISSION_URL), "others-heading")
    assert contacts_in(others) == MEDIA_UNIT
    assert "UN Human Rights \N{EN DASH} Media Unit" in others


def test_mission_page_links_to_the_inquiry_form(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now("2015-01-20T10:00:00+06:00")
    now = section(page(client, MISSION_URL), "now-heading")
    assert f'href="{MISSION_URL}/inquire"' in now
    assert page(client, f"{MISSION_URL}/inquire").count('name="subject"') == 1


@pytest.mark.parametrize("url", ["/missions/atlantis-2030", "/missions/atlantis-2030/inquire"])
def test_unknown_mission_is_a_helpful_404_page(
    client: FlaskClient, mission: Mission, url: str
) -> None:
    html = page(client, url, status=404)
    assert "There is no mission called “atlantis-2030”." in html
    assert '<a href="/">Back to the missions</a>' in html


def test_unknown_mission_name_is_shown_escaped(client: FlaskClient) -> None:
    html = page(client, "/missions/%3Cscript%3Ealert(1)", status=404)
    assert "<script>alert(1)" not in html
    assert "There is no mission called “&lt;script&gt;alert(1)”." in html


@pytest.mark.parametrize("url", ["/", MISSION_URL, f"{MISSION_URL}/inquire", "/missions/nowhere"])
def test_pages_load_their_assets_from_this_site(
    client: FlaskClient, mission: Mission, url: str
) -> None:
    html = client.get(url).get_data(as_text=True)
    tags = re.findall(r"<(?:link|script)\b[^>]*>", html)
    addresses = [address for tag in tags for address in re.findall(r'(?:href|src)="([^"]*)"', tag)]
    assert addresses, "the page loads no stylesheet"
    for address in addresses:
        assert not re.match(r"(?i)(https?:)?//", address), f"{address} comes from another host"
    stylesheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    assert stylesheets
    for stylesheet in stylesheets:
        with client.get(stylesheet) as response:
            assert response.status_code == 200
            assert response.mimetype == "text/css"
            assert b"body" in response.get_data()
