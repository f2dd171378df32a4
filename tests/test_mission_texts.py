"""Mission data in the page's language: a mission's, its events', its offices' and its
contacts' texts in Russian and Kazakh, English where a text has no translation.

Before, a Russian page read "офис Geneva", "Местное время (Kazakhstan)" and English event
titles. The seed carries the release's facts in both languages; a mission file writes
them as ``[translations.ru]`` tables, and admins edit them beside the English.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SEED_FILE
from flask.testing import FlaskClient
from sqlalchemy import select
from test_inquiry_form import valid_form

from tracker.choices import Role
from tracker.extensions import db
from tracker.mail import notices
from tracker.missions.spec import MissionFileError, parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import AuditEvent, Contact, Mission, MissionEvent, Office, OutboxMessage, User

MISSION_URL = "/missions/kazakhstan-2015"
DURING = "2015-01-20T10:00:00+06:00"
RU_TITLE = (
    "Казахстан: первый официальный визит эксперта ООН по вопросам свободы мирных собраний "
    "и ассоциации"
)
KK_TITLE = (
    "Қазақстан: бейбіт жиналыстар мен бірлестіктер бостандығы жөніндегі БҰҰ сарапшысының "
    "алғашқы ресми сапары"
)


@pytest.fixture(autouse=True)
def during(set_now: Callable[[str], datetime]) -> None:
    set_now(DURING)


def read(client: FlaskClient, url: str, language: str) -> str:
    """The page's main text as a reader sees it, in ``language``."""
    client.set_cookie("lang", language, domain="tracker.test")
    page = client.get(url).get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


# --- The seed on the public pages ---------------------------------------------------------


def test_a_russian_page_reads_the_mission_in_russian(client: FlaskClient, mission: Mission) -> None:
    text = read(client, MISSION_URL, "ru")
    for russian in (
        RU_TITLE,
        "Маина Киаи (Кения), Специальный докладчик ООН",
        "Местное время (Казахстан):",
        "Женева: вт, 20 янв. 2015 г., 05:00",
        "Офис: Астана",
        "Офис: Женева",
        "ООН по правам человека — Группа по работе со СМИ",
        "Пресс-конференция по итогам визита",
        "Здание ООН, ул. Букейхана, 26",
        "(Женева: 06:00 UTC+1)",
        "Итоговый доклад Совету по правам человека: июньская сессия Совета",
        "Места посещения: Астана, Алматы, Актау/Жанаозен.",
        "Дни указаны по местному времени: Казахстан (Asia/Almaty).",
        "Специальный докладчик Организации Объединённых Наций Маина Киаи посетит Казахстан",
    ):
        assert russian in text, russian
    for english in ("Geneva", "Kazakhstan", "Astana office", "press conference", "Media Unit"):
        assert english not in text, english
    # The contacts' names stay as the release spells them, as journalists ask for them.
    assert "Leila Duisekova" in text


def test_a_kazakh_page_reads_the_mission_in_kazakh(client: FlaskClient, mission: Mission) -> None:
    text = read(client, MISSION_URL, "kk")
    for kazakh in (
        KK_TITLE,
        "Жергілікті уақыт (Қазақстан):",
        "Астана кеңсесі",
        "Сапар қорытындысы бойынша баспасөз конференциясы",
        "Ақтау/Жаңаөзен",
    ):
        assert kazakh in text, kazakh
    assert "Geneva" not in text and "Kazakhstan" not in text


def test_english_is_unchanged_and_the_index_form_and_receipt_follow_the_language(
    client: FlaskClient, mission: Mission
) -> None:
    english = read(client, MISSION_URL, "en")
    assert mission.title in english and "Astana office" in english and "In Geneva:" in english
    assert RU_TITLE in read(client, "/", "ru")
    assert RU_TITLE in read(client, f"{MISSION_URL}/inquire", "ru")
    sent = client.post(f"{MISSION_URL}/inquire", data=valid_form())
    receipt = read(client, sent.headers["Location"], "kk")
    assert KK_TITLE in receipt and "Астана кеңсесі" in receipt


def test_the_calendar_is_in_the_pages_language(client: FlaskClient, mission: Mission) -> None:
    client.set_cookie("lang", "ru", domain="tracker.test")
    body = client.get(f"{MISSION_URL}/events.ics").get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Пресс-конференция по итогам визита: Маина Киаи (Казахстан)" in unfolded
    assert "X-WR-CALNAME:Казахстан: первый официальный визит" in unfolded


def test_the_acknowledgement_names_the_mission_in_the_journalists_language(
    client: FlaskClient, mission: Mission
) -> None:
    client.post(f"{MISSION_URL}/inquire", data=valid_form(language="kk"))
    ack = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == notices.ACKNOWLEDGEMENT)
    ).one()
    assert KK_TITLE in " ".join(ack.body_text.split())


# --- Fallback ---------------------------------------------------------------------------------


def test_a_text_without_translation_shows_in_english(client: FlaskClient, mission: Mission) -> None:
    mission.translations = {"ru": {"title": "Только заголовок"}}
    db.session.commit()
    text = read(client, MISSION_URL, "ru")
    assert "Только заголовок" in text
    assert "Local time in" not in text  # the page's own words are still translated
    assert "Местное время (Kazakhstan):" in text  # the country has no translation now
    assert "Только заголовок" not in read(client, MISSION_URL, "kk")


# --- Contacts' languages ----------------------------------------------------------------------


def test_each_contact_shows_the_languages_of_its_interviews(
    client: FlaskClient, mission: Mission
) -> None:
    leila = db.session.scalars(select(Contact).where(Contact.key == "leila-duisekova")).one()
    leila.languages = ["kk", "ru", "en"]
    db.session.commit()
    assert "Interviews in: Kazakh, Russian, English" in read(client, MISSION_URL, "en")
    assert "Интервью на языках: казахский, русский, английский" in read(client, MISSION_URL, "ru")
    assert "Сұхбат тілдері: қазақ тілі, орыс тілі, ағылшын тілі" in read(client, MISSION_URL, "kk")
    # The release gives the Geneva contacts none: nothing is said of them.
    assert read(client, MISSION_URL, "en").count("Interviews in:") == 2  # now and schedule


# --- The mission file -------------------------------------------------------------------------


def test_loading_the_seed_stores_each_rows_translations(mission: Mission) -> None:
    assert mission.translations["ru"]["country"] == "Казахстан"
    assert mission.translations["kk"]["cities"] == ["Астана", "Алматы", "Ақтау/Жаңаөзен"]
    assert mission.translations["ru"]["expert_name"] == "Маина Киаи"
    report = db.session.scalars(select(MissionEvent).where(MissionEvent.kind == "final-report"))
    assert report.one().translations["kk"]["when_text"].startswith("Адам құқықтары")
    geneva = db.session.scalars(select(Office).where(Office.name == "Geneva")).one()
    assert geneva.translations == {"ru": {"name": "Женева"}, "kk": {"name": "Женева"}}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[translations.fr]\ntitle = "Visite"\n', "translations.fr: Input should be 'ru' or 'kk'"),
        ('[translations.ru]\nmandate = "x"\n', "translations.ru.mandate: Extra inputs"),
        ("[translations.ru]\ncities = 3\n", "translations.ru.cities: Input should be a valid list"),
    ],
)
def test_a_bad_translation_is_refused_naming_the_field(
    tmp_path: Path, extra: str, message: str
) -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    text = re.sub(r"\[translations\.ru\].*?(?=\n\[translations\.kk\])", "", text, flags=re.S)
    path = tmp_path / "bad.toml"
    path.write_text(text.replace("[expert]\n", extra + "\n[expert]\n", 1), encoding="utf-8")
    with pytest.raises(MissionFileError) as refused:
        parse_mission_file(path)
    assert message in str(refused.value)


def test_a_translation_left_out_of_the_file_is_dropped(tmp_path: Path, mission: Mission) -> None:
    """The file is the source of what it lists: dropping a translation from it drops it."""
    text = SEED_FILE.read_text(encoding="utf-8")
    text = re.sub(r"\n\[translations\.kk\].*?(?=\n\[expert\])", "\n", text, flags=re.S)
    path = tmp_path / "seed.toml"
    path.write_text(text, encoding="utf-8")
    apply_spec(parse_mission_file(path))
    db.session.commit()
    assert set(mission.translations) == {"ru", "kk"}  # kk still has the expert's texts
    assert "title" not in mission.translations["kk"] and "title" in mission.translations["ru"]


# --- Admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin(
    mission: Mission, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> User:
    user = make_user(role=Role.ADMIN)
    login(user)
    return user


def test_an_admin_translates_a_mission_beside_its_english(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    from test_admin_missions import seed_form

    form = client.get("/admin/missions/kazakhstan-2015").get_data(as_text=True)
    assert 'name="title_ru"' in form and f'value="{RU_TITLE}"' in form
    data = seed_form(mission, title_ru="Новый заголовок", country_ru="Казахстан")
    data.update(cities_ru="Астана\nАлматы", expert_name_ru="Маина Киаи", title_kk="")
    assert client.post("/admin/missions/kazakhstan-2015", data=data).status_code == 303
    db.session.expire_all()
    russian = mission.translations["ru"]
    assert (russian["title"], russian["cities"]) == ("Новый заголовок", ["Астана", "Алматы"])
    # A field sent empty clears its text; one not sent at all (a script written before
    # translations) keeps it.
    assert "title" not in mission.translations["kk"]
    assert russian["summary"].startswith("Специальный докладчик")
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.summary.startswith("Changed translations of")
    assert "Новый заголовок" in read(client, MISSION_URL, "ru")
    assert mission.title in read(client, MISSION_URL, "kk")  # kk title emptied: English


def test_an_admin_translates_an_event_a_contact_and_an_office(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    conference = mission.events[0]
    event_form = {
        "kind": "press-conference",
        "title": conference.title,
        "starts_at": "2015-01-27T11:00",
        "venue": conference.venue or "",
        "title_kk": "Баспасөз мәслихаты",
    }
    url = f"/admin/missions/kazakhstan-2015/events?edit={conference.id}"
    assert client.post(url, data=event_form).status_code == 303
    leila = db.session.scalars(select(Contact).where(Contact.key == "leila-duisekova")).one()
    contact_form = {
        "name": leila.name,
        "office": "Astana",
        "phones": "+7 7172 69 65 50 ext. 2293",
        "name_ru": "Лейла Дуйсекова",
        "languages": ["ru", "kk"],
    }
    assert client.post(f"/admin/contacts?edit={leila.id}", data=contact_form).status_code == 303
    astana = db.session.scalars(select(Office).where(Office.name == "Astana")).one()
    office_form = {"timezone": "Asia/Almaty", "name_kk": "Астана қаласы"}
    assert client.post(f"/admin/offices?edit={astana.id}", data=office_form).status_code == 303
    db.session.expire_all()
    # What was sent replaces; what was not sent (here the seed's other texts) stays.
    assert conference.translations["kk"]["title"] == "Баспасөз мәслихаты"
    assert conference.translations["ru"]["title"] == "Пресс-конференция по итогам визита"
    assert leila.translations == {"ru": {"name": "Лейла Дуйсекова"}}
    assert astana.translations == {"ru": {"name": "Астана"}, "kk": {"name": "Астана қаласы"}}
    kazakh = read(client, MISSION_URL, "kk")
    assert "Баспасөз мәслихаты" in kazakh and "Астана қаласы кеңсесі" in kazakh
    russian = read(client, MISSION_URL, "ru")
    assert "Лейла Дуйсекова" in russian and "Интервью на языках: русский, казахский" in russian


def test_a_translation_too_long_for_its_column_is_refused_next_to_it(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    from test_admin_missions import seed_form

    data = seed_form(mission, title_ru="Я" * 301)
    response = client.post("/admin/missions/kazakhstan-2015", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "At most 300 characters." in page.split('id="title_ru-error"')[1].split("</p>")[0]
