"""The funding data's fields shown to visitors in Finnish, Swedish and English
(keko/content_languages.py)."""

from keko.content_languages import register

from .models import ApplicantType, ApplicationWindow, FundingSource

register(ApplicantType, ("name",))
register(
    FundingSource,
    ("name", "description", "grant_forms", "share_and_duration", "restrictions"),
)
register(ApplicationWindow, ("name", "notes"))
