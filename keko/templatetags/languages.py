"""The page in the site's other languages: the header's language switcher and the head's
hreflang alternates, both from the page's own address (path words translated, the same query)."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The page's address in every language of the site, the current one marked.

    `translate_url` resolves the path in the current language and reverses the same view and
    arguments in the other; an address it cannot resolve (a 404 page) is the other language's
    home page.
    """
    request = context.get("request")
    current = get_language()
    # request.GET, not the raw query: a cached page's GET holds only the parameters it reads
    # (keko.cache.cache_public_page), so a stored page links to no stray parameter.
    path = "/"
    if request is not None:
        query = request.GET.urlencode()
        path = f"{request.path}?{query}" if query else request.path
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            with override(code):
                url = reverse("directory:home")
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request is not None else url,
                "current": code == current,
            }
        )
    return versions
