import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_RE = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(digits):
    """Return the check digit of the seven-digit body of a Finnish business ID, or None."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None  # no valid business ID has this body
    return 0 if remainder == 0 else 11 - remainder


def validate_business_id(value):
    """Validate a Finnish business ID (Y-tunnus) such as 0201256-6, check digit included."""
    match = BUSINESS_ID_RE.match(value)
    if not match:
        raise ValidationError(_("Y-tunnuksen muoto on 1234567-8."), code="business_id_format")
    body, check = match.groups()
    if business_id_check_digit(body) != int(check):
        raise ValidationError(
            _("Y-tunnuksen tarkistusmerkki ei täsmää."), code="business_id_check_digit"
        )


# Path words under /toimijat/ (/sv/aktorer/, /en/actors/) that are pages of their own
# (directory/urls.py), not actors: an actor with such a slug could never be opened.
RESERVED_ACTOR_SLUGS = frozenset({"tulosta", "utskrift", "print"})


def validate_actor_slug(value):
    if value in RESERVED_ACTOR_SLUGS:
        raise ValidationError(
            _("Tunniste ”%(slug)s” on sivuston oman sivun osoite. Valitse toinen tunniste."),
            code="reserved_slug",
            params={"slug": value},
        )
