"""The public "suggest a correction" form of actor and practice pages; the organisations'
own entries (the "Lisää organisaatio" and update forms) and the yearly confirmation page."""

from urllib.parse import urlencode

from django.conf import settings
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actors.models import Actor, ContactRole, sparse_page_links
from keko import ratelimit
from keko.middleware import client_ip, refuse_file_uploads
from keko.prefetch import fetch_sparse, flag_sparse

from . import confirmations, proposals, services
from .forms import (
    CONTACTS_PREFIX,
    GENERIC_CONTACT_ROLE,
    MAX_CONTACTS,
    CorrectionForm,
    OrganisationForm,
    SubmitterForm,
    contact_formset,
)

# Per client address: enough for a person correcting several entries, too few for a flood.
RATE_LIMIT = 5
RATE_PERIOD = 60 * 60


@refuse_file_uploads  # the form takes no files: a POST with one gets a 400
@require_http_methods(["GET", "POST"])
def correction(request, slug, model):
    """The correction form of the published `model` entry (an actor or a practice) `slug`."""
    entry = get_object_or_404(model.objects.published(), slug=slug)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        ip_hash = services.hash_ip(client_ip(request))
        key = f"correction:{ip_hash}"
        if not ratelimit.allow(key, limit=RATE_LIMIT, period=RATE_PERIOD):
            seconds = ratelimit.retry_after(key, period=RATE_PERIOD)
            context = {"entry": entry, "retry_minutes": -(-seconds // 60)}
            response = render(request, "curation/correction_limited.html", context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        if form.is_valid():
            # A filled honeypot gets the same thank-you page, but nothing is stored.
            if not form.is_spam():
                services.submit_correction(
                    entry=entry,
                    what_is_wrong=form.cleaned_data["what_is_wrong"],
                    proposed_fix=form.cleaned_data["proposed_fix"],
                    email=form.cleaned_data["email"],
                    ip_hash=ip_hash,
                )
            thanks = f"curation:{model._meta.model_name}_correction_thanks"
            return redirect(reverse(thanks, kwargs={"slug": entry.slug}))
    return render(request, "curation/correction_form.html", {"entry": entry, "form": form})


def correction_thanks(request, slug, model):
    entry = get_object_or_404(model.objects.published(), slug=slug)
    return render(request, "curation/correction_thanks.html", {"entry": entry})


# --- Organisations keep their own entry (curation/proposals.py, curation/confirmations.py) ---

# Per client address: enough for an organisation sending its entry and a few fixes, too few
# for a flood. Only complete, valid submissions count: a visitor correcting typing mistakes
# or adding contact rows is not held back.
ORGANISATION_RATE_LIMIT = 5
ORGANISATION_RATE_PERIOD = 60 * 60
ADD_CONTACT = "lisaa_yhteyshenkilo"
TOKEN_FIELD = "vahvistus"


def _without_errors(form):
    """Render a bound form without validating it: after "Lisää yhteyshenkilö" the visitor is
    not done, so their half-filled form is shown as typed, without error messages. (Rendering
    a bound field asks for its errors, which would validate the form.)"""
    form._errors = ErrorDict()
    return form


def _error_summary(form, contacts, submitter):
    """Return [(anchor, text)] of every error, in the order of the page, for the summary
    at its top; each links to its field (a checkbox group's fieldset)."""
    items = []
    for error in form.non_field_errors():
        items.append(("#organisaatio", error))
    for bound in form:
        for error in bound.errors:
            anchor = f"#fs-{bound.name}" if bound.name in form.GROUPS else f"#{bound.auto_id}"
            items.append((anchor, f"{bound.label}: {error}"))
    for error in contacts.non_form_errors():
        items.append(("#yhteyshenkilot", error))
    for number, contact in enumerate(contacts.forms, 1):
        for error in contact.non_field_errors():
            label = _("Yhteyshenkilö %(n)d") % {"n": number}
            items.append((f"#yhteyshenkilo-{number}", f"{label}: {error}"))
        for bound in contact:
            for error in bound.errors:
                label = _("Yhteyshenkilö %(n)d, %(field)s") % {
                    "n": number,
                    "field": bound.label.lower(),
                }
                items.append((f"#{bound.auto_id}", f"{label}: {error}"))
    for bound in submitter:
        for error in bound.errors:
            items.append((f"#{bound.auto_id}", f"{bound.label}: {error}"))
    return items


def _confirmation_of(token, actor):
    """The confirmation request of a valid link token for `actor`, or None."""
    if not token or actor is None:
        return None
    try:
        confirmation = confirmations.read_token(token)
    except confirmations.InvalidLink:
        return None
    return confirmation if confirmation.actor_id == actor.pk else None


def _contact_initial(actor):
    if actor is None:
        return []
    return [
        {
            "existing": contact.uuid,
            "role": contact.role_id,
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phone": contact.phone,
            "public": contact.public,
        }
        for contact in actor.contacts.filter(public=True).order_by("pk")
    ]


def _with_one_more_contact(post):
    """The posted data with one more (empty) contact row, its role the generic one."""
    data = post.copy()
    key = f"{CONTACTS_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        return data  # a tampered management form: the formset reports it
    if total < MAX_CONTACTS:
        data[key] = str(total + 1)
        generic = ContactRole.objects.filter(slug=GENERIC_CONTACT_ROLE).first()
        if generic is not None:
            data[f"{CONTACTS_PREFIX}-{total}-role"] = str(generic.pk)
    return data


@refuse_file_uploads  # the form takes no files: a POST with one gets a 400
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    """The public "Lisää organisaatio" form: a new organisation becomes a draft actor."""
    return _organisation_form(request, actor=None)


@refuse_file_uploads
@require_http_methods(["GET", "POST"])
def organisation_update(request, slug):
    """ "Tämä on meidän organisaatiomme — päivitä tiedot": changes to a published actor, kept
    as a proposal until a curator approves them."""
    actor = get_object_or_404(Actor.objects.published(), slug=slug)
    return _organisation_form(request, actor=actor)


def _organisation_form(request, actor):
    token = request.POST.get(TOKEN_FIELD) or request.GET.get(TOKEN_FIELD) or ""
    confirmation = _confirmation_of(token, actor)
    formset_class = contact_formset(can_delete=actor is not None)
    contact_initial = _contact_initial(actor)
    data = None
    adding_contact = request.method == "POST" and ADD_CONTACT in request.POST
    if request.method == "POST":
        data = _with_one_more_contact(request.POST) if adding_contact else request.POST
    # A fresh copy of the actor: validation writes the posted values onto the instance.
    instance = Actor.objects.get(pk=actor.pk) if actor is not None else None
    form = OrganisationForm(data, instance=instance)
    contacts = formset_class(
        data,
        initial=contact_initial,
        prefix=CONTACTS_PREFIX,
        form_kwargs={"allowed_contacts": [c["existing"] for c in contact_initial]},
    )
    submitter = SubmitterForm(data)
    errors = []
    if request.method == "POST" and not adding_contact:
        valid = [form.is_valid(), contacts.is_valid(), submitter.is_valid()]
        changed = {}
        if all(valid) and actor is not None:
            changed = proposals.changes(form, contacts)
            if not changed and not submitter.cleaned_data["message"]:
                form.add_error(
                    None,
                    _(
                        "Et muuttanut mitään tietoja. Muuta tietoja tai kirjoita viesti "
                        "ylläpidolle, ennen kuin lähetät."
                    ),
                )
        if all(valid) and not form.errors:
            ip_hash = services.hash_ip(client_ip(request))
            key = f"organisation:{ip_hash}"
            if not ratelimit.allow(
                key, limit=ORGANISATION_RATE_LIMIT, period=ORGANISATION_RATE_PERIOD
            ):
                seconds = ratelimit.retry_after(key, period=ORGANISATION_RATE_PERIOD)
                context = {"entry": actor, "retry_minutes": -(-seconds // 60)}
                response = render(
                    request, "curation/organisation_limited.html", context, status=429
                )
                response["Retry-After"] = str(seconds)
                return response
            # A filled honeypot gets the same thank-you page, but nothing is stored.
            if not submitter.is_spam():
                if actor is None:
                    proposals.submit_new(
                        form=form, contacts=contacts, submitter=submitter, ip_hash=ip_hash
                    )
                else:
                    proposals.submit_change(
                        actor=actor,
                        data=changed,
                        submitter=submitter,
                        ip_hash=ip_hash,
                        confirmation=confirmation,
                    )
            if actor is None:
                return redirect("curation:organisation_new_thanks")
            return redirect("curation:organisation_update_thanks", slug=actor.slug)
        errors = _error_summary(form, contacts, submitter)
    elif adding_contact:
        for each in (form, submitter, *contacts.forms):
            _without_errors(each)
        contacts._non_form_errors = ErrorList()
    context = {
        "actor": actor,
        "form": form,
        "contacts": contacts,
        "submitter": submitter,
        "errors": errors,
        "token": token if confirmation is not None else "",
        "add_contact": ADD_CONTACT,
        "max_contacts": MAX_CONTACTS,
        "focus_contact": len(contacts.forms) if adding_contact else None,
    }
    return render(request, "curation/organisation_form.html", context)


def organisation_new_thanks(request):
    return render(request, "curation/organisation_thanks.html", {"actor": None})


def organisation_update_thanks(request, slug):
    actor = get_object_or_404(Actor.objects.published(), slug=slug)
    return render(request, "curation/organisation_thanks.html", {"actor": actor})


def _confirmation_or_error(request, token):
    """(confirmation, None) for a valid link, else (None, the Finnish error page)."""
    try:
        confirmation = confirmations.read_token(token)
    except confirmations.ExpiredLink:
        return None, _link_error(request, expired=True, status=410)
    except confirmations.InvalidLink:
        return None, _link_error(request, expired=False, status=400)
    if not confirmation.actor.is_published:
        return None, _link_error(request, expired=False, status=404, gone=True)
    return confirmation, None


def _link_error(request, *, expired, status, gone=False):
    context = {"expired": expired, "gone": gone, "link_days": settings.CONFIRMATION_LINK_DAYS}
    return render(request, "curation/confirmation_invalid.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirmation(request, token):
    """The yearly e-mail's page: the entry as published, "Tiedot ovat oikein" and
    "Ehdota muutosta"."""
    confirmation, error = _confirmation_or_error(request, token)
    if error is not None:
        return error
    if request.method == "POST":
        confirmations.confirm(confirmation)
        return redirect("curation:confirmation_thanks", token=token)
    # The entry as its page shows it (directory's ActorDetailView).
    links = sparse_page_links()
    actor = flag_sparse(Actor.objects.for_detail(), links).get(pk=confirmation.actor_id)
    fetch_sparse([actor], links)
    update = reverse("curation:organisation_update", kwargs={"slug": actor.slug})
    context = {
        "actor": actor,
        "confirmation": confirmation,
        "update_url": f"{update}?{urlencode({TOKEN_FIELD: token})}",
    }
    return render(request, "curation/confirmation.html", context)


def confirmation_thanks(request, token):
    confirmation, error = _confirmation_or_error(request, token)
    if error is not None:
        return error
    context = {"actor": confirmation.actor, "confirmation": confirmation}
    return render(request, "curation/confirmation_thanks.html", context)
