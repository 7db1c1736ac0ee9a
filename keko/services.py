"""Writes that change several curated entries at once, for admin actions and commands."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Status


def _update_entries(entries, user, reason, **values):
    """Set `values` on every entry that differs, one validated and recorded save each.

    Each save bumps the entry's version, so that an editor who has the entry open in the admin
    cannot overwrite the change unknowingly, and leaves a history record naming `user`.
    Return the number of entries changed.
    """
    changed = 0
    for entry in entries:
        if all(getattr(entry, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.version += 1
        entry._history_user = user
        entry._change_reason = reason
        entry.save()
        changed += 1
    return changed


@transaction.atomic
def publish(*, entries, user):
    """Publish `entries` (curated model instances). Return how many changed."""
    return _update_entries(entries, user, _("Julkaistu"), status=Status.PUBLISHED)


@transaction.atomic
def unpublish(*, entries, user):
    """Return `entries` to drafts, hiding them from the public. Return how many changed."""
    return _update_entries(entries, user, _("Palautettu luonnokseksi"), status=Status.DRAFT)


@transaction.atomic
def mark_verified(*, entries, user, on=None):
    """Record that `user` checked `entries` on `on` (today by default). Return how many."""
    on = on or timezone.localdate()
    values = {"verified_on": on}
    if any(field.name == "verified_by" for field in entries.model._meta.fields):
        values["verified_by"] = ""  # a curator's check, no longer the organisation's own
    return _update_entries(entries, user, _("Merkitty tarkistetuksi"), **values)
