"""``flask --app tracker demo``: a demo press office for trying the desk after ``make run``.

It creates one account per seed contact plus a manager and an admin, all with the
password given (or a generated one, printed once), and a spread of inquiries received
before, during and after the seed mission. Never run it on a real office's database.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker import clock
from tracker.choices import Channel, MediaType, RequestType, Role, Topic
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.missions.lookups import find_mission
from tracker.models import Contact, Mission, User

PEOPLE = [
    ("thibaut-guillet", "thibaut@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    ("karen-blanc", "karen@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    ("leila-duisekova", "leila@demo.test", Role.PRESS_OFFICER, "Asia/Almaty"),
    ("xabier-celaya", "xabier@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    (None, "manager@demo.test", Role.MANAGER, "Europe/Zurich"),
    (None, "admin@demo.test", Role.ADMIN, "Europe/Zurich"),
]
JOURNALISTS = [
    ("Aigerim Nurlanovna", "Vlast.kz", MediaType.ONLINE, "KZ", "ru"),
    ("Daniyar Sadykov", "Kazinform", MediaType.NEWS_AGENCY, "KZ", "kk"),
    ("Olga Petrova", "Radio Azattyq", MediaType.RADIO, "KZ", "ru"),
    ("James Whitfield", "Reuters", MediaType.NEWS_AGENCY, "GB", "en"),
    ("Claire Dubois", "Le Temps", MediaType.PRINT, "CH", "fr"),
    ("Marat Akhmetov", "Khabar TV", MediaType.TV, "KZ", "ru"),
    ("Sofia Marin", "freelance", MediaType.FREELANCE, "ES", "es"),
]
LOGGED_OR_WEB = [Channel.WEB_FORM, Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL]
SUBJECTS = {
    RequestType.INTERVIEW: "Interview with the Special Rapporteur",
    RequestType.COMMENT: "Comment on the new Code on Administrative Offences",
    RequestType.INFORMATION: "Programme of the visit in Almaty",
    RequestType.FILMING: "Filming the meeting with civil society",
    RequestType.ACCREDITATION: "Accreditation to the press conference on 27 January",
    RequestType.OTHER: "Photo of the expert",
}


@click.command("demo")
@click.option("--password", help="Password for every demo account (default: generated).")
@click.option("--inquiries", "count", default=40, show_default=True, type=click.IntRange(0, 5000))
@with_appcontext
def demo_command(password: str | None, count: int) -> None:
    """Fill a demo press office: accounts for the seed contacts and a queue of inquiries."""
    mission = find_mission("kazakhstan-2015")
    if mission is None:
        raise click.ClickException(
            "load the seed first: flask --app tracker missions load seed/kazakhstan-2015.toml"
        )
    password = password or secrets.token_urlsafe(12)
    created = ensure_people(password)
    # Made-up demo inquiries, repeatable from run to run: nothing here is a secret.
    added = add_inquiries(mission, count, random.Random(2015))  # nosec B311
    db.session.commit()
    for email in created:
        click.echo(f"account {email}")
    if created:
        click.echo(f"password for the new accounts: {password}")
    click.echo(f"{added} inquiries added to {mission.slug}")


def ensure_people(password: str) -> list[str]:
    """Create the demo accounts that do not exist yet; return their addresses."""
    created = []
    for contact_key, email, role, zone in PEOPLE:
        if db.session.scalar(select(User).where(User.email == email)):
            continue
        contact = None
        if contact_key:
            contact = db.session.scalar(select(Contact).where(Contact.key == contact_key))
        name = contact.name if contact else email.split("@")[0].capitalize()
        db.session.add(
            User(
                email=email,
                name=name,
                role=role,
                timezone=zone,
                contact=contact,
                password_hash=generate_password_hash(password),
            )
        )
        created.append(email)
    return created


def add_inquiries(mission: Mission, count: int, rng: random.Random) -> int:
    """Inquiries received over the last two days, so the queue shows every urgency."""
    now = clock.now()
    for _ in range(count):
        received = now - timedelta(minutes=rng.uniform(5, 48 * 60))
        name, outlet, media, country, language = rng.choice(JOURNALISTS)
        kind = rng.choice(list(RequestType))
        deadline = None
        if rng.random() < 0.5:
            deadline = received + timedelta(hours=rng.choice([2, 6, 24, 48]))
        request = intake.JournalistRequest(
            name=name,
            outlet=outlet,
            media_type=media,
            country=country,
            email=f"{name.split()[0].lower()}@example.org",
            phone=None,
            language=language,
            request_type=kind,
            topic=Topic.OTHER_EXPERTS if rng.random() < 0.1 else Topic.MISSION,
            subject=SUBJECTS[kind],
            message="Demo inquiry: " + SUBJECTS[kind] + ".",
            deadline=deadline,
            deadline_tz=mission.timezone if deadline else None,
        )
        channel = rng.choice(LOGGED_OR_WEB)
        intake.receive(mission, request, channel=channel, received_at=received)
    return count
