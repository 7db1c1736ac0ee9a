"""Caching of published directory data, shared by every app server through Django's cache.

Cached values are keyed by a "directory version" kept in the cache itself. Saving or deleting
any curated entry bumps the version, so every app server sees new keys on its next request and
the old entries simply expire: nothing has to be found and deleted, and no server can keep
serving stale data from a cache of its own. With several app servers the cache must be shared
(Redis through CACHE_URL); a per-process cache would only invalidate the server that saved.

Only what every visitor sees is cached: published data, and whole pages of published data for
anonymous visitors (`cache_public_page`). Signed-in users (staff previews of drafts) and forms
are always rendered per request.

The version is bumped from post_save/post_delete signal receivers rather than in each write
path: the admin, bulk actions, imports, the seed command and the shell all save through the
ORM, and a write path that forgot to invalidate would serve stale pages until the timeout.
Bulk writes that bypass signals (QuerySet.update, bulk_create) call bump_directory_version().
"""

import functools
import hashlib
import logging
import secrets
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation

from .registry import directory_models

logger = logging.getLogger(__name__)

VERSION_KEY = "keko:directory-version"
TIMEOUT = 60 * 60  # a safety net: entries of an old version expire by themselves


def _new_version():
    # Never a version seen before, from any process: a bump writes a new value rather than
    # incrementing the old one, which a cache without an atomic increment (the file-based
    # default) could lose between two processes. Nanoseconds also keep versions increasing.
    return time.time_ns() * 1000 + secrets.randbelow(1000)


def directory_version():
    """Return the current directory version, starting one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() so that two servers starting at once agree on the first version.
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _increment():
    try:
        cache.set(VERSION_KEY, _new_version(), timeout=None)
    except Exception:
        # The save itself succeeded; an unreachable cache must not turn it into an error.
        # Entries cached before the outage expire after TIMEOUT at the latest.
        logger.warning("Could not bump the directory version in the cache", exc_info=True)


def bump_directory_version():
    """Make every cached directory value stale, now and again when the transaction commits.

    Now, so that this request sees its own change; at commit, because another server may
    have cached the old data again in between, before the change was visible to it.
    """
    _increment()
    transaction.on_commit(_increment)


def directory_key(*parts):
    """Return a cache key for `parts` under the current version, language and day.

    The day is part of the key because "active" depends on today's date. The parts may be
    any text (a visitor's query string, say): they are hashed to a key of fixed length.
    """
    text = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()
    day = timezone.localdate().isoformat()
    return f"keko:dir:{directory_version()}:{translation.get_language()}:{day}:{text}"


def cached(key_parts, compute, timeout=TIMEOUT):
    """Return the cached value for `key_parts`, computing and storing it when missing."""
    key = directory_key(*key_parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _bump(sender, **kwargs):
    # m2m_changed fires before and after each change; after is enough.
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump_directory_version()


def connect_receivers():
    """Bump the version whenever published directory data may have changed: a save or delete
    of any directory model (keko.registry), or a change of any of their many-to-many links,
    which changes neither side's row."""
    for model in directory_models():
        label = model._meta.label
        post_save.connect(_bump, sender=model, dispatch_uid=f"keko-cache-save-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"keko-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _bump,
                sender=field.remote_field.through,
                dispatch_uid=f"keko-cache-m2m-{label}.{field.name}",
            )


def cache_public_page(view=None, *, params=()):
    """Serve a GET page to anonymous visitors from the shared cache, under the directory version.

    For pages that show published data only and nothing about the visitor. Only 200 responses
    are kept; the security headers are added afterwards by the middleware, as for any page.

    `params` names the query parameters the page reads (or is a function returning them, for
    a page whose filters are defined elsewhere). The page is keyed on those alone, in a
    canonical order, and the view sees only them: `?x=1`, `&r=7` or a reordered query string
    find the same entry instead of rendering and storing the page again (a free way to
    bypass the cache and fill it), and since the view never sees the others, no link or
    form of the stored page carries them.
    """
    if view is None:
        return functools.partial(cache_public_page, params=params)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        request.GET = canonical_query(request.GET, params() if callable(params) else params)
        query = request.GET.urlencode()
        key = directory_key("page", request.get_host(), request.path, query)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapped


def canonical_query(query, names):
    """Return the QueryDict `query` reduced to the parameters `names`, each with its distinct
    values in sorted order, the parameters sorted by name (immutable, like request.GET). An
    empty value stays: a search for nothing answers with a message, not the page without it."""
    canonical = QueryDict(mutable=True)
    for name in sorted(set(names)):
        values = sorted(set(query.getlist(name)))
        if values:
            canonical.setlist(name, values)
    canonical._mutable = False
    return canonical
