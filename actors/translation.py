"""The fields shown to visitors in Finnish, Swedish and English (django-modeltranslation).

Each field gets a column per language (`name_fi`, `name_sv`, `name_en`); the original column
(`name`) keeps the Finnish value, which the search vector, the area tables, exports and open
data read (keko.content_languages.FinnishOriginalMixin).
"""

from keko.content_languages import register

from .models import Actor, Contact, ContactRole, ServiceType, TargetGroup

register(Actor, ("name", "description"))
register(ServiceType, ("name", "description"))
register(TargetGroup, ("name",))
register(ContactRole, ("name",))
register(Contact, ("title",))
