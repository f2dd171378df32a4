"""Languages: the public pages, the form and the journalist's mail in English, Russian and
Kazakh; the switcher; dates in the page's language; the catalogues complete and current.

The clock is frozen during the visit (Tuesday 20 January 2015, 10:00 in Astana).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.test import TestResponse

from tracker import i18n
from tracker.choices import PUBLIC_STATUS, MediaType, Phase, RequestType, Role, Status, Topic
from tracker.extensions import db
from tracker.mail import messages, notices
from tracker.models import Inquiry, Mission, OutboxMessage, User
from tracker.public import labels

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
# Every language offered, English aside, has a catalogue of its own.
CATALOGUES = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
KAZAKH_FLOOR = 0.95
MISSION_URL = "/missions/kazakhstan-2015"
FORM_URL = f"{MISSION_URL}/inquire"
DURING = "2015-01-20T10:00:00+06:00"

Freeze = Callable[[str], datetime]


@pytest.fixture(autouse=True)
def during_the_visit(set_now: Freeze, mission: Mission) -> Mission:
    set_now(DURING)
    return mission


class Page(HTMLParser):
    """What a reader of the page sees: <html lang>, labels by field, selected options."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.labels: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._label_for: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "label" and attrs.get("for"):
            self._label_for, self._text = attrs["for"], []
        elif tag == "select":
            self._select = attrs.get("name")
            self.options[self._select or ""] = []
        elif tag == "option" and self._select:
            self._option, self._text = attrs.get("value") or "", []
            if "selected" in attrs:
                self.selected[self._select] = self._option

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = text
            self._label_for = None
        elif tag == "option" and self._select and self._option is not None:
            self.options[self._select].append((self._option, text))
            self._option = None
        elif tag == "select":
            self._select = None


def valid_form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Айгерим Нурланқызы",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "country": "KZ",
        "email": "aigerim@example.kz",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Интервью",
        "message": "Может ли Специальный докладчик дать короткое интервью?",
        "deadline_tz": "Asia/Almaty",
        "consent": "y",
    }
    values.update(overrides)
    return values


def in_language(client: FlaskClient, code: str) -> FlaskClient:
    """The client as a visitor who chose ``code`` with the switcher."""
    assert client.post("/language", data={"lang": code}).status_code == 303
    return client


def text(response: TestResponse) -> str:
    """The page as read: CLDR's no-break spaces ("2015\u00a0г.") read as spaces."""
    return response.get_data(as_text=True).replace("\u00a0", " ").replace("\u202f", " ")


def outbox(kind: str) -> list[OutboxMessage]:
    statement = select(OutboxMessage).where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement.order_by(OutboxMessage.id)))


# --- The form -------------------------------------------------------------------------


def test_the_form_in_russian_by_the_switchers_cookie(client: FlaskClient) -> None:
    page = Page(text(in_language(client, "ru").get(FORM_URL)))

    assert page.lang == "ru"
    assert page.labels["name"].startswith("Ваше имя")
    assert page.labels["outlet"].startswith("Название СМИ")
    assert page.labels["language"].startswith("Язык ответа")
    assert "(обязательно)" in page.labels["name"]
    assert ("online", "Интернет-издание") in page.options["media_type"]
    assert ("accreditation", "Аккредитация") in page.options["request_type"]
    # Country and language names come from Babel (CLDR) in the page's language.
    assert ("KZ", "Казахстан") in page.options["country"]
    assert ("kk", "Казахский") in page.options["language"]
    # The answer's language starts as the page's.
    assert page.selected["language"] == "ru"


def test_each_language_keeps_its_own_options(client: FlaskClient) -> None:
    # The option lists are built once per language and shared by later requests.
    russian = Page(text(in_language(client, "ru").get(FORM_URL)))
    english = Page(text(in_language(client, "en").get(FORM_URL)))
    again = Page(text(in_language(client, "ru").get(FORM_URL)))

    assert ("KZ", "Kazakhstan") in english.options["country"]
    assert ("online", "Online") in english.options["media_type"]
    assert ("", "Choose…") in english.options["deadline_tz"]
    assert again.options == russian.options
    assert ("KZ", "Казахстан") in again.options["country"]


def test_the_forms_errors_in_russian(client: FlaskClient) -> None:
    response = in_language(client, "ru").post(
        FORM_URL, data=valid_form(name="", email="", phone="", subject="x" * 201)
    )

    html = text(response)
    assert response.status_code == 422
    assert "Укажите ваше имя." in html
    assert "Укажите адрес электронной почты или номер телефона" in html
    assert "Исправьте 4 поля" in html  # the summary, with Russian plural forms
    # WTForms' own messages (the length) come from its Russian catalogue.
    assert "Значение не должно содержать более 200 символов." in html
    assert db.session.scalar(select(Inquiry.id)) is None


def test_wtforms_messages_follow_each_requests_language(client: FlaskClient) -> None:
    # WTForms' catalogues are kept per language: a Russian page first must not leave
    # its words to the English and Kazakh pages after it.
    too_long = valid_form(subject="x" * 201)
    russian = text(in_language(client, "ru").post(FORM_URL, data=too_long))
    english = text(in_language(client, "en").post(FORM_URL, data=too_long))
    kazakh = text(in_language(client, "kk").post(FORM_URL, data=too_long))

    assert "Значение не должно содержать более 200 символов." in russian
    assert "Field cannot be longer than 200 characters." in english
    assert "Өріс ұзындығы көп дегенде 200 таңба болуы тиіс." in kazakh


def test_a_phone_number_error_in_kazakh(client: FlaskClient) -> None:
    response = in_language(client, "kk").post(FORM_URL, data=valid_form(phone="call me"))

    assert response.status_code == 422
    assert "Бұл телефон нөмірі емес." in text(response)


@pytest.mark.parametrize(
    ("header", "lang", "label"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru", "Ваше имя"),
        ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk", "Атыңыз"),
        ("de-DE,fr;q=0.9,ru;q=0.5", "ru", "Ваше имя"),  # best match among ours
        ("de-DE,fr;q=0.9", "en", "Your name"),
        ("", "en", "Your name"),
    ],
)
def test_the_browsers_languages_choose_when_nothing_was_chosen(
    client: FlaskClient, header: str, lang: str, label: str
) -> None:
    page = Page(text(client.get(FORM_URL, headers={"Accept-Language": header})))

    assert page.lang == lang
    assert page.labels["name"].startswith(label)


def test_the_choice_beats_the_browser(client: FlaskClient) -> None:
    response = in_language(client, "kk").get(FORM_URL, headers={"Accept-Language": "ru"})

    assert Page(text(response)).lang == "kk"


def test_a_russian_form_in_russian_error_when_the_deadline_has_passed(
    client: FlaskClient,
) -> None:
    data = valid_form(deadline="2015-01-19T10:00")
    response = in_language(client, "ru").post(FORM_URL, data=data)

    assert response.status_code == 422
    assert "Этот срок уже прошёл; укажите время в будущем." in text(response)


# --- The switcher ---------------------------------------------------------------------


def test_the_switcher_remembers_the_choice_for_a_year_and_goes_back(
    client: FlaskClient,
) -> None:
    response = client.post("/language", data={"lang": "ru", "next": f"{MISSION_URL}?x=1"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"{MISSION_URL}?x=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ru;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    page = client.get(MISSION_URL)
    assert Page(text(page)).lang == "ru"
    assert {"Accept-Language", "Cookie"} <= set(page.vary)
    assert "К кому обращаться сейчас" in text(page)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_the_switcher_goes_back_only_to_a_page_of_this_site(
    client: FlaskClient, target: str
) -> None:
    response = client.post("/language", data={"lang": "kk", "next": target})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "xx", "next": MISSION_URL})

    assert response.status_code == 303
    assert "Set-Cookie" not in response.headers
    assert Page(text(client.get(MISSION_URL))).lang == "en"


class TestTheSwitcherWithCsrfOn:
    """Without a token, another site's page could switch a visitor's language."""

    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"WTF_CSRF_ENABLED": True}

    def test_the_switcher_sends_the_token_of_its_page(self, client: FlaskClient) -> None:
        page = text(client.get(MISSION_URL))
        token = re.search(
            r'class="language-switcher">\s*<input type="hidden" name="csrf_token" '
            r'value="([^"]+)">',
            page,
        )
        assert token, "the switcher carries no CSRF token"
        data = {"lang": "ru", "next": MISSION_URL, "csrf_token": token.group(1)}
        response = client.post("/language", data=data)
        assert response.status_code == 303
        assert response.headers["Set-Cookie"].startswith("lang=ru;")

    def test_a_switch_without_the_token_is_refused_and_changes_nothing(
        self, client: FlaskClient
    ) -> None:
        client.get(MISSION_URL)
        response = client.post("/language", data={"lang": "ru", "next": MISSION_URL})
        assert response.status_code == 400
        assert "lang=" not in response.headers.get("Set-Cookie", "")
        assert Page(text(client.get(MISSION_URL))).lang == "en"


def test_every_public_page_has_the_switcher_with_each_language_marked(
    client: FlaskClient,
) -> None:
    html = text(in_language(client, "ru").get("/"))

    assert 'action="/language"' in html
    assert '<span class="language-current" lang="ru" aria-current="true">Русский</span>' in html
    assert re.search(r'<button[^>]*value="kk" lang="kk"[^>]*>Қазақша</button>', html)
    assert re.search(r'<button[^>]*value="en" lang="en"[^>]*>English</button>', html)
    assert '<input type="hidden" name="next" value="/">' in html


def test_the_press_offices_pages_stay_english(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], FlaskClient]
) -> None:
    in_language(client, "ru")
    login(make_user(role=Role.PRESS_OFFICER))

    page = client.get("/queue", headers={"Accept-Language": "ru"})

    assert page.status_code == 200
    assert Page(text(page)).lang == "en"
    assert 'action="/language"' not in text(page)
    assert "Skip to content" in text(page)


# --- Dates, the status page, errors ---------------------------------------------------


def test_dates_on_the_mission_page_are_written_in_the_pages_language(
    client: FlaskClient,
) -> None:
    english = text(client.get(MISSION_URL))
    russian = text(in_language(client, "ru").get(MISSION_URL))
    kazakh = text(in_language(client, "kk").get(MISSION_URL))

    assert "Monday 19 January 2015 to Tuesday 27 January 2015" in english
    assert "Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6)" in english
    assert "понедельник, 19 января 2015 г." in russian
    assert "вт, 20 янв. 2015 г., 10:00 (Asia/Almaty, UTC+6)" in russian
    assert "2015 ж. 19 қаңтар, дүйсенбі" in kazakh
    # The zone stays the mission's: a language changes the words, never the time.
    assert "10:00 (Asia/Almaty, UTC+6)" in kazakh
    assert "Во время визита" in russian and "Сапар кезінде" in kazakh


def test_the_status_page_in_the_pages_language(
    client: FlaskClient, make_inquiry: Callable[..., object]
) -> None:
    receipt = make_inquiry(language="kk")
    url = f"/status/{receipt.status_token}"  # type: ignore[attr-defined]

    russian = text(in_language(client, "ru").get(url))

    assert "Получен: ожидает сотрудника пресс-службы" in russian
    assert "Запрос получен (веб-форма)" in russian  # the last public update
    assert "вт, 20 янв. 2015 г., 10:00" in russian


def test_an_error_page_in_russian(client: FlaskClient) -> None:
    response = in_language(client, "ru").get("/missions/no-such-visit")

    assert response.status_code == 404
    assert "Визита «no-such-visit» не существует." in text(response)
    assert "Вернуться к списку визитов" in text(response)


# --- The inquiry's language and the journalist's mail ---------------------------------


@pytest.mark.parametrize(
    ("page_language", "answer_language", "subject", "phrase"),
    [
        ("en", "ru", "Ваш запрос {ref} получен", "Номер вашего запроса: {ref}"),
        ("ru", "kk", "Сіздің {ref} сұрауыңыз қабылданды", "Сұрауыңыздың нөмірі: {ref}"),
        ("kk", "en", "Your inquiry {ref} has been received", "Your reference: {ref}"),
    ],
)
def test_the_acknowledgement_is_in_the_inquirys_language_whatever_the_page(
    client: FlaskClient, page_language: str, answer_language: str, subject: str, phrase: str
) -> None:
    data = valid_form(language=answer_language)
    response = in_language(client, page_language).post(FORM_URL, data=data)
    assert response.status_code == 303

    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.language == answer_language
    [ack] = outbox(notices.ACKNOWLEDGEMENT)
    ref = inquiry.reference
    assert ack.subject == subject.format(ref=ref)
    assert phrase.format(ref=ref) in ack.body_text
    assert f'<html lang="{answer_language}">' in ack.body_html


def test_the_officers_notice_stays_english_when_a_russian_page_sends(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(role=Role.PRESS_OFFICER, contact="leila-duisekova")

    in_language(client, "ru").post(FORM_URL, data=valid_form(language="ru"))

    [notice] = outbox(notices.NEW_INQUIRY)
    assert notice.subject.startswith("New inquiry ")
    assert "Tue 20 Jan 2015" in notice.body_text


def test_the_kazakh_acknowledgement_has_kazakh_dates(
    make_inquiry: Callable[..., object],
) -> None:
    make_inquiry(language="kk", request_type=RequestType.ACCREDITATION)

    [ack] = outbox(notices.ACKNOWLEDGEMENT)
    assert "БҰҰ Адам құқықтары жөніндегі басқармасының баспасөз қызметі" in ack.body_text
    assert "қаңтар" in ack.body_text  # the press conference, 27 January
    assert "Сапар мен баспасөз мәслихатын күнтізбеңізге қосыңыз:" in ack.body_text


def test_a_language_we_have_no_catalogue_for_is_answered_in_english() -> None:
    assert messages.language_for("kk") == "kk"
    assert messages.language_for("fr") == "en"


# --- The catalogues -------------------------------------------------------------------


def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def untranslated(found: Catalog) -> list[str]:
    missing = []
    for message in found:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and (not all(strings) or message.fuzzy):
            missing.append(str(message.id))
    return missing


def test_every_russian_string_is_translated() -> None:
    assert untranslated(catalogue("ru")) == []


def test_kazakh_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    found = catalogue("kk")
    total = sum(1 for message in found if message.id)
    missing = untranslated(found)
    with capsys.disabled():
        print(f"\nKazakh: {total - len(missing)} of {total} strings translated")
    # Kazakh was complete when it was added. A new string may reach it after Russian (it
    # falls back to English meanwhile), but the pages must stay essentially Kazakh.
    assert total - len(missing) >= KAZAKH_FLOOR * total, missing


@pytest.mark.parametrize("language", CATALOGUES)
def test_translations_keep_their_placeholders(language: str) -> None:
    """A translation that drops or renames %(name)s would fail at run time."""
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue(language).check()
    ]
    assert problems == []


def test_the_template_and_catalogues_match_the_code(tmp_path: Path) -> None:
    """`make translations-update` has been run since the last change to a string."""
    fresh = tmp_path / "messages.pot"
    # The same command as the Makefile's translations-update.
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--ignore-dirs",
            ".* __pycache__ node_modules",
            "-o",
            str(fresh),
            str(ROOT),
        ]
    )
    with fresh.open("rb") as pot:
        extracted = {message.id for message in read_po(pot) if message.id}
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        committed = {message.id for message in read_po(pot) if message.id}
    assert sorted(map(str, extracted - committed)) == [], "new strings: make translations-update"
    assert sorted(map(str, committed - extracted)) == [], "gone strings: make translations-update"
    for language in CATALOGUES:
        assert {m.id for m in catalogue(language) if m.id} == committed, language


def test_the_public_labels_are_the_desks_english_words(app: Flask) -> None:
    """In English the public pages say what the desk says; the stored status summaries
    (English) are found again to be translated on the status page."""
    for vocabulary in (Phase, Topic, MediaType, RequestType):
        for member in vocabulary:
            assert member in labels.LABELS, member
            assert labels.label(member) == member.label
    for status, words in PUBLIC_STATUS.items():
        assert labels.public_status(status) == words
        assert labels.event_summary(words) == words
    with force_locale("ru"):
        assert labels.event_summary(PUBLIC_STATUS[Status.ANSWERED]) == "Ответ дан"
        assert labels.event_summary("Anything else") == "Anything else"
