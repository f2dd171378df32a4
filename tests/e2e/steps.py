"""What the people in the journeys do, step by step, through the pages only.

Each step reads what a person would read (the reference on the receipt, the status on
the status page) and acts through labels and buttons, so a renamed field or a broken
link fails the journey as it would fail a journalist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conftest import PASSWORD
from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, DESKTOP, PHONE

MISSION_TITLE = "Kazakhstan: first official visit"


@dataclass
class Receipt:
    """What the journalist keeps from the receipt page."""

    reference: str
    status_url: str


def page_width(page: Page) -> int:
    """How wide the document is: more than the viewport means sideways scrolling."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def capture(page: Page, name: str, *, photograph: bool = True) -> None:
    """Screenshots at desktop and phone size; at 360 px the page must not scroll sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    if photograph:
        page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    try:
        if photograph:
            page.screenshot(path=ARTIFACTS / f"{name}-phone.png", full_page=True)
        width = page_width(page)
        assert width <= PHONE["width"], f"{name}: {width} px wide at 360 px: {too_wide(page)}"
    finally:
        page.set_viewport_size(DESKTOP)


def too_wide(page: Page) -> list[str]:
    """The innermost elements that stick out past the viewport's right edge."""
    return page.evaluate(
        """() => {
          const sticksOut = e => e.getBoundingClientRect().right > innerWidth + 0.5;
          const describe = e => `${e.tagName.toLowerCase()}.${e.className}`
            + ` (${Math.round(e.getBoundingClientRect().right)} px)`;
          return Array.from(document.body.querySelectorAll('*')).filter(sticksOut)
            .filter(e => !Array.from(e.children).some(sticksOut)).slice(0, 8).map(describe);
        }"""
    )


def open_inquiry_form(page: Page, base_url: str) -> None:
    """From the home page to the mission's form, by the links a journalist follows."""
    page.goto(base_url + "/")
    page.get_by_role("link", name=re.compile(MISSION_TITLE)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(MISSION_TITLE)
    page.get_by_role("link", name="Send a written inquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send an inquiry to the press office")


def fill_inquiry(page: Page, *, subject: str, deadline: str | None = None) -> None:
    """Fill the form as Aigerim of Vlast.kz would."""
    page.get_by_label("Your name").fill("Aigerim Nurlanovna")
    page.get_by_label("Media outlet").fill("Vlast.kz")
    page.get_by_label("Type of media").select_option(label="Online")
    page.get_by_label("Country you report from").select_option(label="Kazakhstan")
    page.get_by_label("Email").fill("aigerim@example.kz")
    page.get_by_label("Phone").fill("+7 701 123 4567")
    page.get_by_label("Language for our answer").select_option(label="English")
    page.get_by_label("What do you need?").select_option(label="Interview")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Your message").fill(
        "Could the Special Rapporteur give Vlast.kz a 15-minute interview in Almaty?"
    )
    if deadline:
        page.get_by_label("Your deadline (optional)", exact=True).fill(deadline)
    page.get_by_label("I have read the privacy notice").check()


def send_inquiry(page: Page) -> Receipt:
    """Send the form and read the reference and the private link off the receipt."""
    page.get_by_role("button", name="Send inquiry").click()
    return read_receipt(page)


def read_receipt(page: Page) -> Receipt:
    receipt = page.locator(".receipt")
    expect(receipt.get_by_role("heading", level=1)).to_have_text("Your inquiry has been received")
    reference = receipt.locator(".reference").inner_text()
    assert re.fullmatch(r"KAZ15-\d{4}", reference), reference
    return Receipt(reference, receipt.locator(".status-link a").inner_text())


def public_status(page: Page) -> str:
    return page.locator("dd.status").inner_text()


def log_in(page: Page, base_url: str, email: str) -> None:
    """Log in through the form; the desk's navigation appears."""
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Press office")).to_be_visible()


def change_status(page: Page, label: str) -> None:
    """Pick a status in the inquiry page's menu and send it."""
    form = page.locator("form").filter(has=page.get_by_role("group", name="Change status"))
    form.get_by_label("New status").select_option(label=label)
    form.get_by_role("button", name="Change status").click()
    expect(page.locator("dd.status")).to_have_text(label)
