"""Phones: journalists and travelling officers work at 360 px wide.

No page may scroll sideways at that width, even with the long unbroken words people type
(an email address, a URL in a subject); the queue becomes a stack of cards; every phone
number on a page is a tel: link, so one tap calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from conftest import journalist_request
from playwright.sync_api import Page, expect

from tracker.choices import Channel
from tracker.extensions import db
from tracker.inquiries import intake

from .conftest import ARTIFACTS, OFFICER, PHONE, START, LiveServer
from .steps import (
    fill_inquiry,
    log_in,
    open_inquiry_form,
    page_width,
    send_inquiry,
    too_wide,
)

# A subject without a space, as pasted from a browser's address bar.
LONG_SUBJECT = "https://vlast.kz/novosti/12345-specdokladchik-oon-maina-kiai-posetit-kazahstan"

# Text that looks like an international phone number and is not inside a tel: link.
UNLINKED_NUMBERS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const numbers = node.textContent.match(/\\+\\d[\\d ()-]{6,}\\d/g) || [];
    if (numbers.length && !node.parentElement.closest('a[href^="tel:"]')) {
      found.push(...numbers);
    }
  }
  return found;
}"""


def phone_page(new_page: Callable[..., Page]) -> Page:
    page = new_page()
    page.set_viewport_size(PHONE)
    return page


def fits(page: Page, name: str) -> None:
    width = page_width(page)
    assert width <= PHONE["width"], f"{name} is {width} px wide at 360 px: {too_wide(page)}"


def test_pages_fit_a_phone_and_numbers_are_tel_links(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    journalist = phone_page(new_page)
    journalist.goto(live_server.at("/"))
    fits(journalist, "home")
    open_inquiry_form(journalist, live_server.url)
    fits(journalist, "inquiry form")
    journalist.go_back()
    fits(journalist, "mission page")
    tel_links = journalist.locator(".phones a[href^='tel:']")
    assert tel_links.count() >= 4  # Geneva, Astana and the Media Unit publish numbers
    assert journalist.evaluate(UNLINKED_NUMBERS) == []
    journalist.go_forward()

    journalist.get_by_label("Subject").fill(LONG_SUBJECT)
    journalist.get_by_role("button", name="Send inquiry").click()
    expect(journalist.locator("#error-summary")).to_be_visible()
    fits(journalist, "inquiry form with errors")
    fill_inquiry(journalist, subject=LONG_SUBJECT)
    receipt = send_inquiry(journalist)
    fits(journalist, "receipt")
    journalist.goto(receipt.status_url)
    fits(journalist, "status page")
    assert journalist.evaluate(UNLINKED_NUMBERS) == []

    officer = phone_page(new_page)
    log_in(officer, live_server.url, OFFICER["email"])
    officer.goto(live_server.at("/queue"))
    fits(officer, "queue")
    officer.get_by_role("link", name=receipt.reference).click()
    fits(officer, "inquiry page")
    journalist_phone = officer.locator("a[href='tel:+7-701-123-4567']")
    expect(journalist_phone).to_be_visible()
    assert officer.evaluate(UNLINKED_NUMBERS) == []


def test_the_queue_becomes_cards_on_a_phone(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    officer = phone_page(new_page)
    log_in(officer, live_server.url, OFFICER["email"])
    officer.goto(live_server.at("/queue"))
    row = officer.locator("table.queue tbody tr").first
    expect(row).to_have_css("display", "flex")
    expect(officer.locator("table.queue thead")).not_to_be_in_viewport()
    # Each cell says what it is, since the column headings are out of sight.
    due = row.locator("td[data-label='Due']")
    label = due.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Due: "'
    cards = officer.locator("table.queue tbody tr")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and second["y"] >= first["y"] + first["height"]  # stacked
    assert first["width"] <= PHONE["width"]


# Cards with everything a card can hold at its longest: a deadline, long names, a long
# subject; and one hidden as sensitive.
LONG_CALLS = [
    {
        "name": "Aigerim Nurlanovna Zhaksybekova-Abdrakhmanova",
        "outlet": "Kazakhstanskaya Pravda, regional desk for Mangystau and Atyrau",
        "subject": "Request for a long interview about the events in Zhanaozen in 2011 " * 2,
        "deadline": timedelta(hours=2),
    },
    {"name": "Marat Bekov", "outlet": "Radio Azattyq", "subject": LONG_SUBJECT},
]
CARD_LIMIT = 200  # px: about five lines, so a phone's screen holds three or four cards


def receive_long_calls(server: LiveServer) -> None:
    with server.desk_request():
        for call in LONG_CALLS:
            deadline = call.get("deadline")
            request = journalist_request(
                name=call["name"],
                outlet=call["outlet"],
                subject=call["subject"],
                deadline=START + deadline if isinstance(deadline, timedelta) else None,
                deadline_tz="Asia/Almaty" if deadline else None,
            )
            intake.receive(server.mission, request, channel=Channel.PHONE, received_at=START)
        # One overdue, so the "Overdue" heading is on the page too.
        late = journalist_request(name="Dana Sadykova", subject="Overdue call")
        intake.receive(
            server.mission, late, channel=Channel.PHONE, received_at=START - timedelta(hours=6)
        )
        db.session.commit()


def test_a_phones_queue_folds_its_filters_and_keeps_each_card_short(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    receive_long_calls(live_server)
    # No script: the fold is a <details>, and the cards are the stylesheet's alone.
    officer = new_page(javascript=False)
    officer.set_viewport_size(PHONE)
    log_in(officer, live_server.url, OFFICER["email"])
    officer.goto(live_server.at("/queue?tab=open"))
    fits(officer, "queue")
    mission_filter = officer.get_by_label("Mission")
    expect(mission_filter).to_be_hidden()
    officer.locator("summary", has_text="Filters").click()
    expect(mission_filter).to_be_visible()
    fits(officer, "queue with its filters open")
    expect(officer.locator("tr.group-heading", has_text="Overdue")).to_be_visible()
    cards = officer.locator("table.queue tbody tr:not(.group-heading)")
    assert cards.count() == 5
    heights = [box["height"] for box in (cards.nth(i).bounding_box() for i in range(5)) if box]
    assert len(heights) == 5
    assert max(heights) <= CARD_LIMIT, f"cards {heights} px tall at 360 px"
    # What a card leaves out is on the inquiry's page, one tap away.
    expect(cards.first.locator("a.reference")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    officer.screenshot(path=ARTIFACTS / "05b-queue-cards-phone.png", full_page=True)


def test_a_wide_screen_shows_the_queues_filters_without_a_fold(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    officer = new_page(javascript=False)
    log_in(officer, live_server.url, OFFICER["email"])
    officer.goto(live_server.at("/queue"))
    expect(officer.get_by_label("Mission")).to_be_visible()
    expect(officer.locator("summary", has_text="Filters")).to_be_hidden()
