"""Transports for catalogue.ptv.PTVClientV11 and catalogue.ytj.YTJClientV3 that answer from
tests/catalogue/responses/."""

import copy
import json
from pathlib import Path

import requests

RESPONSES = Path(__file__).resolve().parent / "responses"
BASE_URL = "https://ptv.example.org/api/v11/"
YTJ_BASE_URL = "https://ytj.example.org/opendata-ytj-api/v3/"


class FakeResponse:
    def __init__(self, status_code, body=None, headers=None):
        self.status_code = status_code
        self._body = body
        self.headers = headers or {}

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return copy.deepcopy(self._body)


class RecordedTransport:
    """Answer GETs from the recorded files; `bodies` can be changed between runs, and
    `queue(path, …)` puts one-off answers (errors) in front of a path's recorded one."""

    base_url = BASE_URL

    def __init__(self):
        self.bodies = {}
        self.queued = {}
        self.calls = []
        for path in RESPONSES.glob("*.json"):
            self.bodies[path.stem] = json.loads(path.read_text(encoding="utf-8"))

    def get(self, url, params=None, timeout=None):
        assert url.startswith(self.base_url), url
        path = url.removeprefix(self.base_url)
        params = params or {}
        self.calls.append((path, dict(params)))
        waiting = self.queued.get(path)
        if waiting:
            answer = waiting.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        body = self.bodies.get(self.file_name(path, params))
        return FakeResponse(404, {}) if body is None else FakeResponse(200, body)

    def queue(self, path, *answers):
        self.queued.setdefault(path, []).extend(answers)

    def body(self, path, page=1):
        return self.bodies[self.file_name(path, {"page": page})]

    @staticmethod
    def file_name(path, params):
        parts = path.split("/")
        page = params.get("page", 1)
        if parts[:3] == ["Organization", "list", "area"]:
            return f"organization-list-{parts[3]}-{parts[5]}-page-{page}"
        if parts[:2] == ["Organization", "area"]:
            return f"organization-ids-{parts[2]}-{parts[4]}-page-{page}"
        if parts[0] == "Organization" and len(parts) == 2:
            return f"organization-{parts[1]}"
        if parts[0] == "Service":
            return f"service-{parts[1]}"
        if parts[0] == "ServiceChannel":
            return f"channel-{parts[1]}"
        return path


class YTJRecordedTransport(RecordedTransport):
    """YTJ's `companies?businessId=<id>` from `ytj-<id>.json`; an id without a file is a 404."""

    base_url = YTJ_BASE_URL

    @staticmethod
    def file_name(path, params):
        assert path == "companies", path
        return f"ytj-{params['businessId']}"

    def company(self, business_id):
        """The recorded company of a Y-tunnus, to change between runs."""
        return self.bodies[f"ytj-{business_id}"]["companies"][0]


class Unreachable:
    """A transport whose every request fails to connect."""

    def __init__(self):
        self.calls = 0

    def get(self, url, params=None, timeout=None):
        self.calls += 1
        raise requests.ConnectionError("connection refused")
