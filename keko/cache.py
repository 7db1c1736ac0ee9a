"""Caching of published directory data, shared by every app server through Django's cache.

Cached values are keyed by a "directory version" kept in the cache itself. Saving or deleting
any curated entry bumps the version, so every app server sees new keys on its next request and
the old entries simply expire: nothing has to be found and deleted, and no server can keep
serving stale data from a cache of its own. With several app servers the cache must be shared
(Redis through CACHE_URL); the default file-based cache is shared by the processes of one
machine.

Edits of actors, the most frequent, are finer: besides the directory version, every key
includes the versions of the *scopes* its value shows, and an actor's save moves on only the
scopes that show that actor (`cache_scopes()` of the model): ACTORS, which every list,
search and count includes, the pages of the areas it serves (actors.areas, before and after
the edit), or every area's page when it serves the whole country, and its own page and those
of the actors that name it (Actor.page_scopes). Another region's page, and another actor's,
stays cached. Any other write, and any delete, moves on the directory version.

Only what every visitor sees is cached: published data, and whole pages of published data for
anonymous visitors (`cache_public_page`). Signed-in users (staff previews of drafts) and forms
are always rendered per request.

The versions are bumped from post_save/post_delete signal receivers rather than in each write
path: the admin, bulk actions, imports, the seed command and the shell all save through the
ORM, and a write path that forgot to invalidate would serve stale pages until the timeout.
Bulk writes that bypass signals (QuerySet.update, bulk_create) call bump_directory_version().
"""

import contextlib
import functools
import hashlib
import logging
import secrets
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation

from .registry import directory_models
from .request_memo import RequestMemo

logger = logging.getLogger(__name__)

VERSION_KEY = "keko:directory-version"
TIMEOUT = 60 * 60  # a safety net: entries of an old version expire by themselves
# The scope of every value that shows actors, unless it names narrower ones: any edit of an
# actor moves it on.
ACTORS = "actors"
# The scope of every area's page: an edit of an actor serving the whole country moves it on.
ALL_AREAS = "areas"


def _new_version():
    # Never a version seen before, from any process: a bump writes a new value rather than
    # incrementing the old one, which a cache without an atomic increment (the file-based
    # default) could lose between two processes. Nanoseconds also keep versions increasing.
    return time.time_ns() * 1000 + secrets.randbelow(1000)


def directory_version():
    """Return the current directory version, starting one if the cache has none."""
    return versions(())[0]


def scope_key(scope):
    return f"keko:scope:{scope}"


# Within a request, the versions it has read, by key: a page reads a dozen values from the
# cache, and each asked the cache for the versions again (the file cache: some 0.1 ms a time,
# 1 ms of a list page). Emptied by every bump in this process.
request_versions = RequestMemo("keko.cache.versions")


def versions(scopes):
    """Return [the directory version, the version of each of `scopes`], starting any the
    cache lacks, in one round trip to the cache when it has them all (none when this request
    has read them all already)."""
    keys = [VERSION_KEY, *(scope_key(scope) for scope in scopes)]
    memo = request_versions.memo
    if memo is not None and all(key in memo for key in keys):
        return [memo[key] for key in keys]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # add() so that two servers starting at once agree on the first version; a version
        # the cache lost (evicted, say) starts afresh, never again at a value seen before.
        for key in missing:
            cache.add(key, _new_version(), timeout=None)
        found.update(cache.get_many(missing))
    read = [found.get(key) for key in keys]
    if memo is not None:
        memo.update(zip(keys, read, strict=True))
    return read


def _renew(keys):
    request_versions.forget()
    try:
        cache.set_many({key: _new_version() for key in keys}, timeout=None)
    except Exception:
        # The save itself succeeded; an unreachable cache must not turn it into an error.
        # Entries cached before the outage expire after TIMEOUT at the latest.
        logger.warning("Could not bump the directory version in the cache", exc_info=True)


# Set while writing in bulk (bumped_once).
_in_bulk = threading.local()


@contextlib.contextmanager
def bumped_once():
    """Within, writes move on no version; at the end, the directory version is bumped once.

    For commands that write hundreds of entries (the seed): each bump is a write to the
    cache, which with the file-based cache lists the cache's files, and a seed's thousands
    of them took longer than the seed's own writes.
    """
    if getattr(_in_bulk, "active", False):
        yield
        return
    _in_bulk.active = True
    try:
        yield
    finally:
        _in_bulk.active = False
        bump_directory_version()


def _bump_now_and_at_commit(keys):
    """Renew `keys` now, so that this request sees its own change; and at commit, because
    another server may have cached the old data again in between, before the change was
    visible to it."""
    if getattr(_in_bulk, "active", False):
        return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def bump_directory_version():
    """Make every cached directory value stale, now and again when the transaction commits."""
    _bump_now_and_at_commit([VERSION_KEY])


def bump_scopes(scopes):
    """Make the cached values of `scopes` stale, now and again when the transaction commits."""
    if scopes:
        _bump_now_and_at_commit([scope_key(scope) for scope in sorted(set(scopes))])


def directory_key(*parts, scopes=(ACTORS,), per_language=True):
    """Return a cache key for `parts` under the current versions of the directory and of
    `scopes`, the language (unless not `per_language`: a value the same in every language)
    and the day.

    The day is part of the key because "active" depends on today's date. The parts may be
    any text (a visitor's query string, say): they are hashed to a key of fixed length.
    """
    return _versioned_key(_unversioned_key(parts, per_language), scopes)


def _unversioned_key(parts, per_language):
    """The part of directory_key() after the versions."""
    text = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()
    day = timezone.localdate().isoformat()
    language = translation.get_language() if per_language else "*"
    return f"{language}:{day}:{text}"


def _versioned_key(unversioned, scopes):
    version = ".".join(str(v) for v in versions(scopes))
    return f"keko:dir:{version}:{unversioned}"


# Values also kept in this process by cached(in_process=True): by their key without the
# versions, each with its whole key, so that a value of newer versions replaces the stale one.
# Kept until evicted instead, the stale reads of every funded and every national actor piled
# up after each edit of what the facets count (after 30 edits: 62 values, 212 MB a process).
_in_process = {}
_in_process_lock = threading.Lock()
IN_PROCESS_ENTRIES = 64


def cached(
    key_parts, compute, timeout=TIMEOUT, scopes=(ACTORS,), *, in_process=False, per_language=True
):
    """Return the cached value for `key_parts`, computing and storing it when missing, under
    the versions of the directory and of `scopes` (by default: stale after any edit), and
    the page's language unless not `per_language` (counts, keys: the same in every language).

    `in_process`: keep the value in this process too, for a value read on most pages and
    costly to unpickle (every option of the list's filters, every place name: 1-3 ms a page).
    Its key holds the versions, read from the shared cache on every call, so an edit from any
    process makes a new key: a value kept here is never served stale, and is replaced by the
    value of the new key. It must not be changed by its readers; the oldest of
    IN_PROCESS_ENTRIES are forgotten first.
    """
    slot = _unversioned_key(key_parts, per_language)
    key = _versioned_key(slot, scopes)
    if in_process:
        kept_key, value = _in_process.get(slot, (None, None))
        if kept_key == key:
            return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    if in_process:
        with _in_process_lock:
            _in_process.pop(slot, None)
            while len(_in_process) >= IN_PROCESS_ENTRIES:
                del _in_process[next(iter(_in_process))]
            _in_process[slot] = (key, value)
    return value


def _saved(sender, instance, *, linked=False, **kwargs):
    # A model that knows which scopes show it (`cache_scopes(linked)`: whether one of its
    # many-to-many links changed rather than its row) moves on those alone.
    if getattr(_in_bulk, "active", False):
        return  # bumped once at the end (bumped_once), whatever the scopes
    cache_scopes = getattr(instance, "cache_scopes", None)
    if cache_scopes is None:
        bump_directory_version()
    else:
        bump_scopes(cache_scopes(linked=linked))


def _deleted(sender, **kwargs):
    # What a deleted row was shown on is no longer known: everything.
    bump_directory_version()


def _linked(sender, instance, action, reverse, **kwargs):
    # m2m_changed fires before and after each change; after is enough. A link changed from
    # the side that knows its scopes (an actor's services) moves those on; from the other
    # side (a service type's actors), everything.
    if action.startswith("pre_"):
        return
    if reverse:
        bump_directory_version()
    else:
        _saved(sender, instance, linked=True)


def connect_receivers():
    """Bump the versions whenever published directory data may have changed: a save or
    delete of any directory model (keko.registry), or a change of any of their many-to-many
    links, which changes neither side's row. Keep the versions a request reads for its
    length (versions())."""
    request_versions.connect()
    for model in directory_models():
        label = model._meta.label
        post_save.connect(_saved, sender=model, dispatch_uid=f"keko-cache-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"keko-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _linked,
                sender=field.remote_field.through,
                dispatch_uid=f"keko-cache-m2m-{label}.{field.name}",
            )


def cache_public_page(view=None, *, params=(), scopes=(ACTORS,)):
    """Serve a GET page to anonymous visitors from the shared cache, under the directory version.

    For pages that show published data only and nothing about the visitor. Only 200 responses
    are kept; the security headers are added afterwards by the middleware, as for any page.

    `params` names the query parameters the page reads (or is a function of the view's arguments
    returning them, for a page whose filters are defined elsewhere). The page is keyed on those
    alone, in a canonical order, and the view sees only them: `?x=1`, `&r=7` or a reordered
    query string find the same entry instead of rendering and storing the page again (a free way
    to bypass the cache and fill it), and since the view never sees the others, no link or form
    of the stored page carries them.

    `scopes` names what of the directory the page shows beyond what the directory version
    covers (see the module's docstring), or is a function of the view's arguments returning
    them: by default every actor.
    """
    if view is None:
        return functools.partial(cache_public_page, params=params, scopes=scopes)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        names = params(*args, **kwargs) if callable(params) else params
        request.GET = canonical_query(request.GET, names)
        query = request.GET.urlencode()
        page_scopes = scopes(*args, **kwargs) if callable(scopes) else scopes
        # The scheme and host too: the page's absolute links (other languages, a print's QR
        # codes) name them.
        origin = f"{request.scheme}://{request.get_host()}"
        key = directory_key("page", origin, request.path, query, scopes=page_scopes)
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
