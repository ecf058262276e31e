"""The app behind a real HTTP server, and a small urllib client to talk to it.

The server is werkzeug's, on an ephemeral loopback port, in a thread: the
requests cross a socket, so headers, cookies and bodies are what a browser
or a script would really send and receive.
"""

import json as jsonlib
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from werkzeug.serving import make_server

_NO_BODY = object()
#: seconds between the server's checks for shutdown
POLL_INTERVAL = 0.02


@dataclass
class Response:
    status: int
    headers: dict
    text: str
    _json: object = field(default=_NO_BODY, repr=False)

    @property
    def json(self):
        if self._json is _NO_BODY:
            self._json = jsonlib.loads(self.text)
        return self._json


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back as they are, so a test sees where they point."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Client:
    """One visitor: its own cookie jar and, optionally, a bearer token."""

    def __init__(self, base_url, *, bearer=None):
        self.base_url = base_url
        self.bearer = bearer
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects())
        self.csrf = None

    def request(self, method, path, *, json=_NO_BODY, data=None, headers=None):
        headers = dict(headers or {})
        if self.bearer is not None:
            headers.setdefault("Authorization", f"Bearer {self.bearer}")
        if self.csrf is not None:
            headers.setdefault("X-CSRFToken", self.csrf)
        if json is not _NO_BODY:
            data = jsonlib.dumps(json).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(data, str):
            data = data.encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers=headers)
        try:
            with self._opener.open(req, timeout=10) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            with answer:
                return Response(answer.code, dict(answer.headers), answer.read().decode())

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def log_in(self, member_id):
        """Log in through the host's form (a session cookie), then fetch the
        CSRF token that the session's writes must carry."""
        answer = self.post("/login", data=f"member_id={member_id}",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status == 200, answer.text
        return self.get("/csrf-token").json["csrf_token"]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # serve_forever looks for shutdown() between polls: at its default of
        # 0.5 s every test with a live server waited that long to stop it
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": POLL_INTERVAL},
                                        name="deliberation-live-server", daemon=True)

    def client(self, *, bearer=None):
        return Client(self.url, bearer=bearer)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@contextmanager
def serving(app):
    """Serve ``app`` on 127.0.0.1 at a free port until the block ends."""
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()
