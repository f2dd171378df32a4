"""/admin/contacts: the public contacts, and why one can or cannot be deleted."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker import audit
from tracker.admin import bp
from tracker.admin.common import actor, conflict, done, edited, refuse, row_or_404
from tracker.admin.forms import ContactStateForm
from tracker.admin.forms.people import ContactForm
from tracker.extensions import db
from tracker.missions import contact_changes
from tracker.models import Contact, Inquiry
from tracker.refusals import Refused


@bp.route("/contacts", methods=["GET", "POST"])
def contacts() -> ResponseReturnValue:
    """Every contact; the form adds one, or with ``?edit=ID`` changes that one."""
    contact = edited(Contact)
    if request.method == "GET":
        form = ContactForm.for_contact(contact) if contact else ContactForm(formdata=None)
        return render_contacts(form, contact)
    form = ContactForm(contact=contact)
    if not form.validate():
        return render_contacts(form, contact, 422)
    if contact is None:
        created = contact_changes.create_contact(actor(), form.key.data, form.values())
        return done(f"Contact {created.name} created.", "admin.contacts")
    changed = contact_changes.update_contact(actor(), contact, form.values())
    message = "Saved." if changed else "Nothing to change."
    return done(message, "admin.contacts", changing=contact, edit=contact.id)


@bp.post("/contacts/state")
def contact_state() -> ResponseReturnValue:
    """Deactivate, reactivate or delete a contact; a refusal says why."""
    form = ContactStateForm()
    if not form.validate():
        return render_contacts(ContactForm(formdata=None), None, 422, form)
    contact = row_or_404(Contact, form.item_id)
    name, action = contact.name, form.action.data
    try:
        message = change_state(contact, action)
    except Refused as refused:
        refuse(form, refused, "action")
        return render_contacts(ContactForm.for_contact(contact), contact, 422, form)
    except StaleDataError:
        # Deleting a contact that another admin deleted meanwhile.
        conflict(audit.entity_key(contact))
    target = {} if action == "delete" else {"edit": contact.id}
    return done(message.format(name=name), "admin.contacts", changing=contact, **target)


def change_state(contact: Contact, action: str) -> str:
    """Run the state change; return the message to flash."""
    if action == "deactivate":
        found = contact_changes.deactivate_contact(actor(), contact)
        linked = f" {len(found.users)} account(s) still answer as it." if found.users else ""
        return "{name} is deactivated: kept for its inquiries, offered nowhere new." + linked
    if action == "reactivate":
        contact_changes.reactivate_contact(actor(), contact)
        return "{name} is active again."
    contact_changes.delete_contact(actor(), contact)
    return "{name} is deleted."


def render_contacts(
    form: ContactForm,
    editing: Contact | None,
    code: int = 200,
    state_form: ContactStateForm | None = None,
) -> ResponseReturnValue:
    """The list (active first), the form, and the chosen contact's state and history."""
    counts = dict(
        db.session.execute(
            select(Inquiry.routed_contact_id, func.count()).group_by(Inquiry.routed_contact_id)
        ).all()
    )
    rows = db.session.scalars(select(Contact).order_by(Contact.active.desc(), Contact.name)).all()
    found = contact_changes.usage(editing) if editing else None
    page = render_template(
        "admin/contacts.html",
        contacts=rows,
        counts=counts,
        form=form,
        editing=editing,
        usage=found,
        why_not=contact_changes.why_not_deletable(editing, found) if editing and found else "",
        state_form=state_form,
        history=audit.history(editing) if editing else [],
    )
    return page, code
