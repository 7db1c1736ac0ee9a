"""The page in the site's other languages: the header's language switcher and the head's
hreflang alternates, both from the page's own address (path words translated, the same query)."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The page's address in every language of the site, the current one marked.

    The view the request was resolved to is reversed with the same arguments in each
    language (_in_language); an address that resolves to no view (a 404 page) is the other
    language's home page.
    """
    request = context.get("request")
    current = get_language()
    # request.GET, not the raw query: a cached page's GET holds only the parameters it reads
    # (keko.cache.cache_public_page), so a stored page links to no stray parameter.
    path, query = "/", ""
    if request is not None:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        path = f"{request.path}{query}"
    match = getattr(request, "resolver_match", None)
    versions = []
    for code, _name in settings.LANGUAGES:
        url = _in_language(path, query, code, match)
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


def _in_language(path, query, code, match):
    """`path` (ending in its `query`, "?…" or "") in the language `code`, as translate_url()
    gives it, reversed from the view it was resolved to (`match`, the request's) when there is
    one: translate_url() resolved the path again for each language, most of a millisecond of
    every page."""
    if match is None:
        return translate_url(path, code)
    with override(code):
        try:
            url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    return f"{url}{query}"
