"""Accessibility: axe-core on every page a journalist or an officer works in, and the
inquiry form used with the keyboard alone.

axe-core comes bundled with axe-playwright-python (no network). A page passes with no
violation of impact "serious" or "critical"; the counts per page and impact are printed
and written to tests/artifacts/axe-summary.txt for the record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from conftest import journalist_request
from playwright.sync_api import Page, expect

from tracker.choices import Channel
from tracker.extensions import db
from tracker.inquiries import intake

from .conftest import ARTIFACTS, MANAGER, OFFICER, START, LiveServer
from .steps import capture, fill_inquiry, log_in, open_inquiry_form, read_receipt, send_inquiry

IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = {"critical", "serious"}


def receive_overdue_call(server: LiveServer) -> None:
    """A call from six hours before START: past its four-hour target, so overdue."""
    request = journalist_request(name="Dana Sadykova", outlet="KTK", subject="Overdue call")
    with server.desk_request():
        received_at = START - timedelta(hours=6)
        intake.receive(server.mission, request, channel=Channel.PHONE, received_at=received_at)
        db.session.commit()


def test_no_serious_or_critical_violations(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    receive_overdue_call(live_server)
    axe = Axe()
    results: dict[str, list[dict[str, Any]]] = {}
    review: dict[str, list[str]] = {}  # what axe could not decide: for a person to check

    def audit(page: Page, name: str) -> None:
        response = axe.run(page).response
        assert response["passes"], f"axe checked nothing on the {name}"
        results[name] = response["violations"]
        review[name] = [item["id"] for item in response["incomplete"]]

    journalist = new_page()
    open_inquiry_form(journalist, live_server.url)
    audit(journalist, "inquiry form")
    journalist.go_back()
    audit(journalist, "mission page")
    journalist.go_forward()
    journalist.get_by_role("button", name="Send inquiry").click()
    expect(journalist.locator("#error-summary")).to_be_visible()
    audit(journalist, "inquiry form, errors")
    fill_inquiry(journalist, subject="Accreditation for the press conference")
    receipt = send_inquiry(journalist)
    audit(journalist, "receipt")
    journalist.goto(receipt.status_url)
    audit(journalist, "status page")

    officer = new_page()
    officer.goto(live_server.at("/login"))
    audit(officer, "login")
    log_in(officer, live_server.url, OFFICER["email"])
    officer.goto(live_server.at("/queue"))
    overdue = officer.locator("table.queue tr.overdue")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("Overdue by 2 hours")  # in words, not colour alone
    audit(officer, "queue")
    officer.get_by_role("link", name=receipt.reference).click()
    audit(officer, "inquiry page")

    manager = new_page()
    log_in(manager, live_server.url, MANAGER["email"])
    manager.goto(live_server.at("/stats"))
    audit(manager, "statistics")

    report(results, review)
    blocking = {name: blocking_lines(violations) for name, violations in results.items()}
    assert {name: lines for name, lines in blocking.items() if lines} == {}


def blocking_lines(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, each with its rule, help text and elements."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {nodes(v)}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def nodes(violation: dict[str, Any]) -> str:
    return "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])


def report(results: dict[str, list[dict[str, Any]]], review: dict[str, list[str]]) -> None:
    """Print and keep the violations per page, by impact and rule."""
    lines = ["axe-core results per page (violations by impact; rules in brackets)"]
    for name, violations in results.items():
        counts = Counter(violation["impact"] for violation in violations)
        figures = ", ".join(f"{impact} {counts[impact]}" for impact in IMPACTS)
        rules = ", ".join(f"{v['id']} ({v['impact']})" for v in violations)
        unsure = ", ".join(review[name]) or "none"
        line = f"{name:<22} {figures}" + (f" [{rules}]" if rules else "")
        lines.append(f"{line}; needs review: {unsure}")
    text = "\n".join(lines) + "\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-summary.txt").write_text(text)
    print(text)


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches ``selector``: the keyboard's way there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_form_works_with_the_keyboard_alone(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(live_server.at(f"/missions/{live_server.mission.slug}/inquire"))
    send = "main form button[type=submit]"

    tab_to(page, send)
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()  # the enhancement script moves focus there
    check_errors_are_tied_to_fields(page)
    capture(page, "02b-inquiry-form-errors")

    keyboard_fill(page)
    tab_to(page, send)
    page.keyboard.press("Enter")
    receipt = read_receipt(page)
    page.goto(receipt.status_url)
    expect(page.locator(".facts")).to_contain_text("Keyboard only")


def check_errors_are_tied_to_fields(page: Page) -> None:
    """Each message has an id that its field (or radio group) names in aria-describedby."""
    errors = page.locator("form .error")
    assert errors.count() >= 8, errors.all_inner_texts()
    for error in errors.all():
        error_id = error.get_attribute("id")
        assert error_id, error.inner_text()
        field = page.locator(f"[aria-describedby~='{error_id}']")
        expect(field).to_have_count(1)
        if field.evaluate("e => e.tagName") != "FIELDSET":
            expect(field).to_have_attribute("aria-invalid", "true")
    for link in page.locator("#error-summary a").all():
        target = (link.get_attribute("href") or "").removeprefix("#")
        expect(page.locator(f"[id='{target}']")).to_have_count(1)


def keyboard_fill(page: Page) -> None:
    """Type into each field in turn, reached with Tab; choose options by typing."""
    typed = {
        "#name": "Aigerim Nurlanovna",
        "#outlet": "Vlast.kz",
        "#media_type": "Online",
        "#country": "Kazakhstan",
        "#email": "aigerim@example.kz",
        "#request_type": "Interview",
        "#subject": "Keyboard only",
        "#message": "Could the Special Rapporteur give a short interview?",
    }
    for selector, text in typed.items():
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    expect(page.locator("#media_type")).to_have_value("online")
    expect(page.locator("#country")).to_have_value("KZ")
    expect(page.locator("#consent")).to_be_checked()
