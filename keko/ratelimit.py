"""A fixed-window rate limit per client, kept in Django's cache (shared when CACHE_URL is set)."""

from django.core.cache import cache


def allow(key, *, limit, period):
    """Count one attempt for `key` and return whether it is within `limit` per `period` s."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
