"""/missions/<slug>/events.ics: the visit's days and the press conference at its local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient
from icalendar import Calendar, Event, Timezone

from tracker.choices import RequestType
from tracker.inquiries.intake import Receipt
from tracker.models import Mission

URL = "/missions/kazakhstan-2015/events.ics"


def download(client: FlaskClient) -> Calendar:
    response = client.get(URL)
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, Event]:
    return {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_the_calendar_is_an_ics_download(client: FlaskClient, mission: Mission) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kazakhstan-2015.ics"'
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"VERSION:2.0" in response.data and b"PRODID:" in response.data


def test_the_visit_covers_its_local_days(client: FlaskClient, mission: Mission) -> None:
    visit = events(download(client))["kazakhstan-2015.visit"]

    assert visit.decoded("dtstart") == date(2015, 1, 19)
    assert visit.decoded("dtend") == date(2015, 1, 28)  # exclusive: the day after the last
    assert "Astana" in str(visit["location"])
    assert "Kazakhstan: first official visit" in str(visit["summary"])


def test_the_press_conference_is_at_its_local_time_with_its_zone(
    client: FlaskClient, mission: Mission
) -> None:
    calendar = download(client)
    conference = events(calendar)["kazakhstan-2015.press-conference.0"]

    start = conference.decoded("dtstart")
    assert conference["dtstart"].params["TZID"] == "Asia/Almaty"
    assert (start.hour, start.minute) == (11, 0)
    # Astana was UTC+6 in 2015 (UTC+5 since 2024): 05:00 UTC, whatever the tz database says now.
    assert start.astimezone(UTC) == datetime(2015, 1, 27, 5, 0, tzinfo=UTC)
    assert conference.decoded("dtend") - start == timedelta(hours=1)
    assert "Bukeykhan Str. 26" in str(conference["location"])
    [zone] = calendar.walk("VTIMEZONE")
    assert isinstance(zone, Timezone) and str(zone["tzid"]) == "Asia/Almaty"
    assert b"TZOFFSETTO:+0600" in zone.to_ical()


def test_an_event_without_a_date_is_left_out(client: FlaskClient, mission: Mission) -> None:
    assert set(events(download(client))) == {
        "kazakhstan-2015.visit",
        "kazakhstan-2015.press-conference.0",
    }


def test_uids_are_stable_so_a_second_import_updates_the_first(
    client: FlaskClient, mission: Mission
) -> None:
    assert set(events(download(client))) == set(events(download(client)))


def test_an_unknown_mission_has_no_calendar(client: FlaskClient, mission: Mission) -> None:
    assert client.get("/missions/atlantis-2099/events.ics").status_code == 404


def test_the_mission_page_links_the_calendar(client: FlaskClient, mission: Mission) -> None:
    page = client.get("/missions/kazakhstan-2015").get_data(as_text=True)

    assert f'href="{URL}"' in page
    assert "Add the visit and the press conference to your calendar" in page


def test_an_accreditation_requests_status_page_links_the_calendar(
    client: FlaskClient, make_inquiry: Callable[..., Receipt]
) -> None:
    accreditation = make_inquiry(request_type=RequestType.ACCREDITATION)
    interview = make_inquiry()

    linked = client.get(f"/status/{accreditation.status_token}").get_data(as_text=True)
    plain = client.get(f"/status/{interview.status_token}").get_data(as_text=True)

    assert f'href="{URL}"' in linked
    assert URL not in plain
