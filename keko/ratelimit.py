"""Fixed-window rate limits per client, counted in the database.

The database, not the cache: without CACHE_URL the cache is files whose `incr` is a read and
a write, so several gunicorn workers let through more than the limit. Here each attempt is one
conditional UPDATE (`count = count + 1 WHERE count < limit`), which SQLite and PostgreSQL
apply atomically, across processes and servers alike. Windows are aligned to multiples of the
period; a key's row is reused from window to window, and rows of keys that have not come back
are deleted when a new key is first counted.
"""

import datetime
import hashlib
import math

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateLimitCounter

MAX_KEY_LENGTH = RateLimitCounter._meta.get_field("key").max_length


def _stored_key(key):
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _window(now, period):
    """Return (start, end) of the fixed window of `period` seconds that `now` falls in."""
    start = int(now.timestamp()) // period * period
    start = datetime.datetime.fromtimestamp(start, tz=datetime.UTC)
    return start, start + datetime.timedelta(seconds=period)


def allow(key, *, limit, period):
    """Count one attempt for `key` and return whether it is within `limit` per `period` s.

    An attempt over the limit is not counted (the count stays at `limit` until the window
    ends).
    """
    if limit < 1:
        return False
    period = max(1, int(period))
    key = _stored_key(key)
    now = timezone.now()
    start, end = _window(now, period)
    rows = RateLimitCounter.objects.filter(key=key)
    # Three rounds at most: a round ends without an answer only when another process changed
    # the row between two of its statements, and then the next round's UPDATE decides.
    for _round in range(3):
        # The current window, under the limit: count. The one query of most attempts.
        if rows.filter(expires_at__gt=now, count__lt=limit).update(count=F("count") + 1):
            return True
        current = rows.values_list("expires_at", "count").first()
        if current is None:  # the key's first attempt
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(
                        key=key, window_start=start, expires_at=end, count=1
                    )
            except IntegrityError:
                continue  # another process counted a first attempt at the same moment
            _delete_expired(now)
            return True
        expires_at, count = current
        if expires_at > now:
            if count >= limit:
                return False
            continue  # under the limit now: the row changed since the UPDATE, count again
        # An ended window: start a new one (of two racing processes only one matches).
        if rows.filter(expires_at__lte=now).update(window_start=start, expires_at=end, count=1):
            return True
    return False


def retry_after(key, *, period):
    """Return the seconds until the current window of `key` ends (at least 1), for a
    Retry-After header."""
    period = max(1, int(period))
    now = timezone.now()
    expires_at = (
        RateLimitCounter.objects.filter(key=_stored_key(key), expires_at__gt=now)
        .values_list("expires_at", flat=True)
        .first()
    )
    if expires_at is None:
        expires_at = _window(now, period)[1]
    return max(1, math.ceil((expires_at - now).total_seconds()))


def _delete_expired(now):
    """Delete the rows of windows that have ended: one DELETE on an index, run when a new key
    is counted, so the table holds about the keys of the last period."""
    # The model has no relations and no delete signals: Django deletes with one query.
    RateLimitCounter.objects.filter(expires_at__lte=now).delete()
