"""Organisations keep their own entry: the public form's submissions and their approval.

A **new organisation** becomes a draft actor at once (with its contacts, areas, services and
target groups), invisible to the public like every draft; approving its proposal publishes
it. A **change** to a published actor is stored in the proposal as the changed values only
(`data`: "fields", "links", "contacts", "removed_contacts"), so that approving it later applies
what the organisation changed and leaves alone what a curator edited meanwhile. Before it is
applied it is validated again with the public form against the actor as it then is.
Nothing a visitor sends reaches the public without a curator's approval.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor, Contact, ContactRole
from keko.models import Status

from .forms import ContactForm, OrganisationForm
from .models import OrganisationProposal

LINK_FIELDS = ("served_regions", "served_municipalities", "services", "target_groups")
ACTOR_FIELDS = tuple(name for name in OrganisationForm.Meta.fields if name not in LINK_FIELDS)
CONTACT_FIELDS = tuple(ContactForm.Meta.fields)

# Stored data, so plain Finnish rather than translated: Actor.verified_by of entries whose data
# the organisation gave or confirmed itself, and a new organisation's source.
VERIFIED_BY_ORGANISATION = "vahvistanut organisaatio itse"
NEW_SOURCE = "Organisaation oma ilmoitus"


def _json(value):
    """A form's cleaned value as JSON: model instances by primary key."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return sorted(item.pk for item in value)
    return value


def _submitter(submitter):
    return {
        "submitter_name": submitter.cleaned_data["submitter_name"],
        "submitter_email": submitter.cleaned_data["submitter_email"],
        "message": submitter.cleaned_data["message"],
    }


@transaction.atomic
def submit_new(*, form, contacts, submitter, ip_hash=""):
    """Create the draft actor of a new organisation (valid `form`, `contacts` formset and
    `submitter` form) and its proposal for curators. Return the proposal."""
    actor = form.save(commit=False)
    actor.status = Status.DRAFT
    actor.slug = Actor.objects.free_slug(actor.name)
    actor.source = f"{NEW_SOURCE} {timezone.localdate():%d.%m.%Y}"
    actor._change_reason = NEW_SOURCE
    actor.full_clean()
    actor.save()
    form.save_m2m()
    for contact_form in contacts.forms:
        if contact_form.has_changed():
            contact = contact_form.save(commit=False)
            contact.actor = actor
            contact.save()
    return OrganisationProposal.objects.create(
        kind=OrganisationProposal.Kind.NEW,
        actor=actor,
        actor_name=actor.name,
        ip_hash=ip_hash,
        **_submitter(submitter),
    )


def changes(form, contacts):
    """Return the proposal data of what a valid update `form` and `contacts` formset
    change: an empty dict when nothing changed."""
    data = {}
    fields = {
        name: _json(form.cleaned_data[name]) for name in form.changed_data if name in ACTOR_FIELDS
    }
    links = {
        name: _json(form.cleaned_data[name]) for name in form.changed_data if name in LINK_FIELDS
    }
    changed_contacts, removed = [], []
    for contact_form in contacts.forms:
        existing = contact_form.cleaned_data.get("existing")
        if existing and contact_form.cleaned_data.get("DELETE"):
            removed.append(str(existing))
            continue
        if not set(contact_form.changed_data) - {"existing", "DELETE"}:
            continue
        changed_contacts.append(
            {
                "existing": str(existing) if existing else None,
                **{name: _json(contact_form.cleaned_data[name]) for name in CONTACT_FIELDS},
            }
        )
    for key, value in (
        ("fields", fields),
        ("links", links),
        ("contacts", changed_contacts),
        ("removed_contacts", removed),
    ):
        if value:
            data[key] = value
    return data


@transaction.atomic
def submit_change(*, actor, data, submitter, ip_hash="", confirmation=None):
    """Store the changes `data` (see changes()) to the published `actor` for curators."""
    proposal = OrganisationProposal.objects.create(
        kind=OrganisationProposal.Kind.CHANGE,
        actor=actor,
        actor_name=actor.name,
        data=data,
        confirmation=confirmation,
        ip_hash=ip_hash,
        **_submitter(submitter),
    )
    if confirmation is not None and confirmation.actor_id == actor.pk:
        confirmation.answer = confirmation.Answer.PROPOSED
        confirmation.answered_at = timezone.now()
        confirmation.save(update_fields=["answer", "answered_at"])
    return proposal


def form_data(form):
    """Return the values an unbound `form` shows, as data to bind a form with."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def _raise_form_errors(form, prefix=""):
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{prefix}{label}: {error}" if label else f"{prefix}{error}")
    raise ValidationError(messages)


def _apply_change(actor, data, user):
    """Apply a change proposal's `data` to `actor`, validated as the public form does."""
    current = form_data(OrganisationForm(instance=actor))
    current.update(
        {
            name: "" if value is None else value
            for name, value in {**data.get("fields", {}), **data.get("links", {})}.items()
        }
    )
    form = OrganisationForm(data=current, instance=actor)
    if not form.is_valid():
        _raise_form_errors(form)
    actor = form.save(commit=False)
    actor.verified_on = timezone.localdate()
    actor.verified_by = VERIFIED_BY_ORGANISATION
    actor.version += 1
    actor._history_user = user
    actor._change_reason = _("Organisaation muutosehdotus hyväksytty")
    actor.save()
    form.save_m2m()

    contacts = {str(c.uuid): c for c in actor.contacts.all()}
    for number, proposed in enumerate(data.get("contacts", []), 1):
        instance = contacts.get(proposed.get("existing") or "") or Contact(actor=actor)
        values = {name: proposed.get(name) for name in CONTACT_FIELDS}
        contact_form = ContactForm(
            data={name: "" if value is None else value for name, value in values.items()},
            instance=instance,
        )
        if not contact_form.is_valid():
            _raise_form_errors(contact_form, _("Yhteyshenkilö %(n)d: ") % {"n": number})
        contact = contact_form.save(commit=False)
        contact._history_user = user
        contact.save()
    for uuid in data.get("removed_contacts", []):
        contact = contacts.get(uuid)
        if contact is not None:
            contact._history_user = user
            contact.delete()


def _publish_new(actor, user):
    actor.status = Status.PUBLISHED
    actor.verified_on = timezone.localdate()
    actor.verified_by = VERIFIED_BY_ORGANISATION
    actor.full_clean()
    actor.version += 1
    actor._history_user = user
    actor._change_reason = _("Organisaation ilmoitus hyväksytty ja julkaistu")
    actor.save()


@transaction.atomic
def approve(*, proposal, user):
    """Apply `proposal` (publish a new organisation, or apply a change) on behalf of `user`.

    Raise ValidationError, changing nothing, when it was handled already, its actor is gone or
    its values are no longer valid.
    """
    proposal = OrganisationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != OrganisationProposal.Status.NEW:
        raise ValidationError(_("Ilmoitus on jo käsitelty."))
    if proposal.actor_id is None:
        raise ValidationError(_("Ilmoituksen toimija on poistettu."))
    actor = Actor.objects.select_for_update().get(pk=proposal.actor_id)
    if proposal.kind == OrganisationProposal.Kind.NEW:
        _publish_new(actor, user)
    else:
        _apply_change(actor, proposal.data, user)
    _handled(proposal, OrganisationProposal.Status.APPROVED, user)
    return proposal


@transaction.atomic
def reject(*, proposal, user):
    """Reject `proposal`: nothing is applied; a new organisation's draft, still a draft, is
    deleted (the proposal keeps its name)."""
    proposal = OrganisationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != OrganisationProposal.Status.NEW:
        raise ValidationError(_("Ilmoitus on jo käsitelty."))
    actor = proposal.actor
    if proposal.kind == OrganisationProposal.Kind.NEW and actor and not actor.is_published:
        try:
            with transaction.atomic():
                actor._history_user = user
                actor.delete()
        except ProtectedError:
            pass  # linked to since (a network's member): the curator decides on the draft
        else:
            proposal.actor = None
    _handled(proposal, OrganisationProposal.Status.REJECTED, user)
    return proposal


def _handled(proposal, status, user):
    proposal.status = status
    proposal.handled_by = user
    proposal.handled_at = timezone.now()
    proposal.save()


def _display(form_field, value):
    """A proposal's stored `value` of `form_field` as text for a curator."""
    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return _("kyllä") if value else _("ei")
    queryset = getattr(form_field, "queryset", None)
    if queryset is not None:
        pks = value if isinstance(value, list) else [value]
        return ", ".join(str(obj) for obj in queryset.model.objects.filter(pk__in=pks)) or "–"
    choices = dict(getattr(form_field, "choices", []) or [])
    return str(choices.get(value, value))


def _contact_text(values, roles):
    parts = [values.get("name") or "", str(roles.get(values.get("role"), ""))]
    parts += [values.get(name) or "" for name in ("title", "email", "phone")]
    parts.append(_("julkinen") if values.get("public") else _("ei julkinen"))
    return ", ".join(part for part in parts if part)


def _contact_values(contact):
    return {name: getattr(contact, name) for name in CONTACT_FIELDS} | {"role": contact.role_id}


def describe_changes(proposal):
    """Return (what, now, proposed) rows of a change proposal, for the curator's review."""
    actor = proposal.actor
    if actor is None or proposal.kind != OrganisationProposal.Kind.CHANGE:
        return []
    form = OrganisationForm(instance=actor)
    current = form_data(form)
    rows = []
    for name, value in {
        **proposal.data.get("fields", {}),
        **proposal.data.get("links", {}),
    }.items():
        field = form.fields[name]
        rows.append((field.label, _display(field, current.get(name)), _display(field, value)))
    contacts = {str(c.uuid): c for c in actor.contacts.select_related("role")}
    roles = {role.pk: role for role in ContactRole.objects.all()}
    for values in proposal.data.get("contacts", []):
        existing = contacts.get(values.get("existing") or "")
        now = (
            _contact_text(
                {name: getattr(existing, name) for name in CONTACT_FIELDS}
                | {"role": existing.role_id},
                roles,
            )
            if existing
            else "–"
        )
        rows.append((_("Yhteyshenkilö"), now, _contact_text(values, roles)))
    for uuid in proposal.data.get("removed_contacts", []):
        existing = contacts.get(uuid)
        if existing is not None:
            now = _contact_text(
                {name: getattr(existing, name) for name in CONTACT_FIELDS}
                | {"role": existing.role_id},
                roles,
            )
            rows.append((_("Yhteyshenkilö"), now, _("poistetaan")))
    return rows
