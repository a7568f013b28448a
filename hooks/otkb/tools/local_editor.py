"""`otkb edit`: the web editor against the files in data/, with no GitHub account and no Node.

A small HTTP server speaks the API of Decap CMS's local backend (decap-server,
its `local_fs` mode: POST /api/v1 with {action, params}), reading and writing
the records of data/<kind>/ only. `otkb edit` starts it on a loopback port and
`mkdocs serve` beside it with OTKB_LOCAL_EDITOR set to its address, so the
built /admin/ page uses it (otkb.site.admin) and its policy lets the page ask it
(otkb.site.security). Every save is then a file in data/ that the preview
rebuilds at once.

Limits, on purpose: it binds to 127.0.0.1, answers only the preview's origin
(CORS), only touches `data/<kind>/<slug>.yml` (a kind from content/kinds.py,
a slug the contract allows, a regular file or none), never deletes, and stores
no media (no field takes a file).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..content.kinds import KINDS
from ..content.load import SLUG_PATTERN

API_PATH = "/api/v1"
MAX_BODY = 2_000_000


class LocalEditorError(Exception):
    """A request the local backend refuses (its message goes back to the editor)."""


def record_path(project: Path, path: str) -> Path:
    """The file `path` (relative to the project) names, if it is a record's; LocalEditorError otherwise."""
    match = re.fullmatch(r"data/([a-z]+)/([^/]+)\.yml", path or "")
    if not match or match.group(1) not in KINDS or not SLUG_PATTERN.match(match.group(2)):
        raise LocalEditorError(f"not a record file: {path!r} (expected data/<kind>/<slug>.yml)")
    target = project / path
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise LocalEditorError(f"{path} is not a regular file")
    return target


def _entry(project: Path, path: str) -> dict:
    target = record_path(project, path)
    if not target.is_file():
        return {"data": None, "file": {"path": path}}
    content = target.read_bytes()
    return {"data": content.decode("utf-8"), "file": {"path": path, "id": hashlib.sha1(content).hexdigest()}}


def _folder(project: Path, folder: str) -> list[dict]:
    name = folder.strip("/").removeprefix("data/")
    if name not in KINDS:
        raise LocalEditorError(f"not a record folder: {folder!r}")
    return [_entry(project, f"data/{name}/{p.name}") for p in sorted((project / "data" / name).glob("*.yml"))
            if SLUG_PATTERN.match(p.stem) and p.is_file() and not p.is_symlink()]


def _persist(project: Path, params: dict) -> dict:
    entry = params.get("entry") or {}
    data_files = params.get("dataFiles") or [entry]
    if params.get("assets"):
        raise LocalEditorError("the local editor stores no files other than records")
    for data_file in data_files:
        if data_file.get("newPath"):
            raise LocalEditorError("renaming a record is not supported; rename the file in data/ instead")
        target = record_path(project, data_file.get("path"))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = data_file.get("raw")
        if not isinstance(text, str):
            raise LocalEditorError("expected the record's text")
        target.write_text(text, encoding="utf-8", newline="\n")
    return {"message": "entry persisted"}


def answer(project: Path, action: str, params: dict):
    """What decap-server answers to `action`; LocalEditorError for anything it may not do."""
    if action == "info":
        return {"repo": project.name, "publish_modes": ["simple"], "type": "local_fs"}
    if action == "entriesByFolder":
        return _folder(project, params.get("folder", ""))
    if action == "entriesByFiles":
        return [_entry(project, f.get("path")) for f in params.get("files", [])]
    if action == "getEntry":
        return _entry(project, params.get("path"))
    if action == "persistEntry":
        return _persist(project, params)
    if action == "getMedia":
        return []
    raise LocalEditorError(f"the local editor does not do {action!r}")


def handler_for(project: Path):
    """A request handler serving `project`'s records to pages from the server's `origin` only."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet: the preview's log is the one editors read
            pass

        def _cors(self) -> None:
            origin = self.server.origin
            if self.headers.get("Origin") == origin:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Vary", "Origin")

        def _send(self, status: int, body) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self._cors()
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self):
            self.send_response(204 if self.headers.get("Origin") == self.server.origin else 403)
            self._cors()
            self.end_headers()

        def do_POST(self):
            if self.path != API_PATH or self.headers.get("Origin") not in (self.server.origin, None):
                return self._send(403, {"error": "forbidden"})
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._send(413, {"error": "too large"})
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                self._send(200, answer(project, body.get("action", ""), body.get("params") or {}))
            except (LocalEditorError, ValueError, AttributeError, TypeError) as e:
                self._send(422, {"error": str(e)})

    return Handler


def start_server(project: Path, origin: str, port: int = 0) -> ThreadingHTTPServer:
    """The local backend on 127.0.0.1:`port` (0: a free one), answering in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(project))
    server.origin = origin  # the preview's address: the only page that may ask
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(args, project: Path) -> int:
    """`otkb edit`: the local backend, then `mkdocs serve` with /admin/ pointed at it, until Ctrl-C."""
    preview = f"http://127.0.0.1:{args.port}"
    server = start_server(project, preview, args.api_port)
    api = f"http://127.0.0.1:{server.server_port}{API_PATH}"
    print(f"otkb edit: the web editor is at {preview}/admin/ (it saves into {project / 'data'}); "
          f"the preview at {preview}/. Stop with Ctrl-C.", file=sys.stderr)
    env = {**os.environ, "OTKB_LOCAL_EDITOR": api}
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{args.port}"]
    preview_process = subprocess.Popen(command, cwd=project, env=env)
    # Stopped (Ctrl-C, or a SIGTERM from a process manager): the preview stops with it, never left behind.
    signal.signal(signal.SIGTERM, lambda *_: preview_process.terminate())
    try:
        return preview_process.wait()
    except KeyboardInterrupt:
        preview_process.terminate()
        preview_process.wait()
        return 0
    finally:
        server.shutdown()
