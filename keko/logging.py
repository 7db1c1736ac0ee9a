"""Structured logging: one JSON object a line, for a log collector reading stdout."""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed in `extra` and is logged as is.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


class JSONFormatter(logging.Formatter):
    """Format a record as JSON: time, level, logger, message, and the request's method, path
    and status when Django's request loggers give them."""

    def format(self, record):
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        # django.request passes an HttpRequest; django.server a socket, which has no path.
        if hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
