"""Values remembered for the length of one request, forgotten on every write.

A page asks the same question many times (the cache's versions for each cached value, the
keys of a search's matches for its count, page and every facet); a RequestMemo answers all
but the first from a dict kept from request_started to request_finished. Outside a request
there is no memo, and every caller asks afresh. A write in this process empties it, so that
a request sees its own writes; another process's write is seen from the next request on, as
if this one had been a moment earlier.
"""

from asgiref.local import Local
from django.core.signals import request_finished, request_started


class RequestMemo:
    def __init__(self, name):
        self.name = name
        # asgiref's Local rather than threading.local: one memo per request under ASGI too.
        self._local = Local()

    @property
    def memo(self):
        """The request's dict, or None outside a request."""
        return getattr(self._local, "memo", None)

    def start(self, **kwargs):
        self._local.memo = {}

    def end(self, **kwargs):
        self._local.memo = None

    def forget(self, **kwargs):
        if getattr(self._local, "memo", None):
            self._local.memo = {}

    def connect(self):
        """Keep the memo for the length of each request (call once, from AppConfig.ready)."""
        request_started.connect(self.start, dispatch_uid=f"{self.name}.start_request")
        request_finished.connect(self.end, dispatch_uid=f"{self.name}.end_request")
