from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Hakemisto")

    def ready(self):
        # The list's funders' facet is counted from the funded actors, kept until an edit of
        # one of them: in every process (management commands too), so that their edits say so.
        from actors import facets

        from .filters import ActorDirectoryFilter

        facets.register_links(ActorDirectoryFilter.linked_facets)
