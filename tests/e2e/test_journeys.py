"""The whole story, in a real browser, with JavaScript on and off.

A journalist sends an inquiry and opens the status link; the press officer finds it at the
top of the queue, claims it, logs a response, marks it answered and closes it; the
journalist sees it answered; the manager finds it in the statistics. Every page is
photographed at desktop and phone size under tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from .conftest import MANAGER, OFFICER, LiveServer
from .steps import (
    Receipt,
    capture,
    change_status,
    fill_inquiry,
    log_in,
    open_inquiry_form,
    public_status,
    send_inquiry,
)

Step = Callable[[Page, str], None]
SUBJECT = "Interview with the Special Rapporteur in Almaty"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_inquiry_from_form_to_statistics(
    live_server: LiveServer, new_page: Callable[..., Page], javascript: bool
) -> None:
    # The pages look the same without JavaScript: photograph them once, measure them twice.
    def step(page: Page, name: str) -> None:
        capture(page, name, photograph=javascript)

    journalist = new_page(javascript=javascript)
    officer = new_page(javascript=javascript)
    manager = new_page(javascript=javascript)
    problems = watch_console(journalist, officer, manager)

    receipt = journalist_sends_inquiry(journalist, live_server, step)
    officer_answers(officer, live_server, receipt, step)

    journalist.reload()
    expect(journalist.locator("dd.status")).to_have_text("Answered")
    update = journalist.locator("dt:text-is('Last update') + dd")
    expect(update).to_contain_text("Answered")
    step(journalist, "07-status-answered")

    change_status(officer, "Closed")
    journalist.reload()
    expect(journalist.locator("dd.status")).to_have_text("Closed")
    expect(journalist.locator("dt:text-is('Answered') + dd")).to_contain_text("20 Jan 2015")
    step(journalist, "08-status-closed")

    manager_reads_statistics(manager, live_server, step)
    assert problems == [], problems


def watch_console(*pages: Page) -> list[str]:
    """Errors in the browser console: a script refused by the CSP shows up here."""
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    for page in pages:
        page.on("console", note)
        page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def journalist_sends_inquiry(page: Page, server: LiveServer, step: Step) -> Receipt:
    """From the home page to the status page, reading the reference off the receipt."""
    page.goto(server.at("/"))
    step(page, "00-home")
    open_inquiry_form(page, server.url)
    step(page, "02-inquiry-form")
    page.go_back()
    step(page, "01-mission")
    page.go_forward()
    # Ninety minutes from the app's clock (10:00 in Almaty): due before the phone calls.
    fill_inquiry(page, subject=SUBJECT, deadline="2015-01-20T11:30")
    receipt = send_inquiry(page)
    step(page, "03-receipt")

    page.get_by_role("link", name=receipt.status_url).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(receipt.reference)
    assert public_status(page) == "Received: waiting for a press officer"
    who = page.locator(".contact-name")
    expect(who).to_have_text("Leila Duisekova")  # received during the visit: Astana
    step(page, "04-status-new")
    return receipt


def officer_answers(page: Page, server: LiveServer, receipt: Receipt, step: Step) -> None:
    """Log in, take the most urgent inquiry, answer it and mark it answered."""
    log_in(page, server.url, OFFICER["email"])
    page.get_by_role("link", name="Queue").click()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    top = rows.first
    expect(top.locator("a.reference")).to_have_text(receipt.reference)
    expect(top).to_contain_text(SUBJECT)
    expect(top).to_contain_text("left")  # the time to the due moment, in words
    step(page, "05-queue")

    top.locator("a.reference").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(receipt.reference)
    page.get_by_role("button", name="Claim").click()
    assignee = page.locator("dl.facts").first.locator("dt:text-is('Assignee') + dd")
    expect(assignee).to_have_text(OFFICER["name"])

    response = page.locator("form").filter(has=page.get_by_role("group", name="Log a response"))
    response.get_by_label("How you responded").select_option(label="Phone")
    response.get_by_label("What was said").fill("Interview agreed for 21 January, 15:00.")
    response.get_by_role("button", name="Log response").click()
    expect(page.locator("dd.clock")).to_contain_text("first response")
    change_status(page, "Answered")
    step(page, "06-inquiry-answered")


def manager_reads_statistics(page: Page, server: LiveServer, step: Step) -> None:
    """The manager sees three inquiries received and one answered before its deadline."""
    log_in(page, server.url, MANAGER["email"])
    page.get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    figures = page.locator("dl.stats-key")
    expect(figures.locator("div", has_text="Received").locator("dd")).to_have_text("3")
    deadline = figures.locator("div", has_text="Answered before the journalist’s deadline")
    expect(deadline.locator("dd")).to_contain_text("1 of 1")
    expect(figures).to_contain_text("(1 responded)")
    step(page, "09-stats")


def minutes_in(words: str) -> int:
    """ "1 hour 59 minutes left" → 119."""
    units = {"day": 1440, "hour": 60, "minute": 1}
    pairs = re.findall(r"(\d+) (day|hour|minute)s?", words)
    return sum(int(count) * units[unit] for count, unit in pairs)


def test_the_queue_counts_down_while_it_stays_open(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    """With JavaScript, the "time left" words follow the clock; the row turns overdue in words."""
    page = new_page()
    page.clock.install()  # the browser's timers, moved on below without waiting
    log_in(page, live_server.url, OFFICER["email"])
    page.get_by_role("link", name="Queue").click()
    # The countdown starts once site.js has run: the clock must not move before that, or
    # its timer would start after the half hour below and never see it pass.
    page.wait_for_load_state("load")
    top = page.locator("table.queue tbody tr").first
    words = top.locator("[data-due]")
    left = minutes_in(words.inner_text())
    assert 100 < left <= 120, words.inner_text()  # received two hours before, four to answer

    page.clock.run_for("30:00")
    expect(words).to_have_text(re.compile(r"\d.* left"))
    assert minutes_in(words.inner_text()) == left - 30

    page.clock.run_for("02:00:00")
    expect(words).to_have_text(re.compile(r"Overdue by \d+ minutes"))
    expect(top).to_have_class(re.compile("overdue"))
