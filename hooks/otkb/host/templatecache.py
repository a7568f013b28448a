"""Compiled Jinja templates kept on disk, shared by every build of every project of this user.

Compiling Material's templates and ours is about a quarter of a small
site's build. The compiled code depends only on a template's source, the
environment's settings and the Jinja and Python versions, so it is kept in
the user's cache folder (`$XDG_CACHE_HOME/otkb/templates`, `~/.cache/...`
without it; `OTKB_TEMPLATE_CACHE` names another folder, or none when set to
nothing), keyed by all of those. The path of the project a template came
from is not part of the key: a second checkout, a temporary copy or a test's
project reuses what the first one compiled (each entry is given the path of
the template it was loaded for, which Jinja's messages name).

Jinja checks each entry's source checksum (and its own and Python's
version) when it loads it, and recompiles on any mismatch; an entry that
cannot be read or written costs a compile, never a failed build. The folder
is used only when it is the user's own and nobody else may write in it: the
entries are code that the build runs.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

from ..site.render import TemplateBytecode
from .cachefiles import open_new, read_file


def template_cache_dir() -> Path | None:
    """The folder for compiled templates, made if needed; None when turned off or not safe to use."""
    value = os.environ.get("OTKB_TEMPLATE_CACHE")
    if value == "":
        return None
    if value is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        value = os.path.join(base, "otkb", "templates")
    folder = Path(value)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022 or info.st_uid != os.getuid():
        return None
    return folder


class SharedTemplateBytecode(TemplateBytecode):
    """The session's compiled templates (in memory), backed by `folder` on disk when there is one."""

    def __init__(self, folder: Path | None):
        super().__init__()
        self.folder = folder

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        checksum = self.get_source_checksum(source)
        key = hashlib.sha256(repr((jinja2.__version__, compile_settings(environment, name), name, checksum))
                             .encode("utf-8")).hexdigest()
        bucket = Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        if bucket.code is not None and filename:
            bucket.code = _compiled_from(bucket.code, filename)  # a template's `filename` is its code's
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        super().load_bytecode(bucket)
        if bucket.code is not None or self.folder is None:
            return
        data = read_file(self.folder / bucket.key)
        if data:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged entry (pickle's or marshal's own errors): compile afresh
                bucket.reset()
            if bucket.code is not None:
                self.compiled[bucket.key] = data

    def dump_bytecode(self, bucket: Bucket) -> None:
        super().dump_bytecode(bucket)
        if self.folder is None:
            return
        path = self.folder / bucket.key
        part = path.with_name(f"{bucket.key}.{os.getpid()}.part")
        try:
            with open_new(part) as file:
                file.write(self.compiled[bucket.key])
            os.replace(part, path)  # whole or not at all, also with other builds writing the same entry
        except OSError:
            part.unlink(missing_ok=True)


def _compiled_from(code: CodeType, filename: str) -> CodeType:
    """`code` (and the functions in it) naming `filename`, where this project's template is, as
    their source: entries may have been compiled from another project's copy."""
    if code.co_filename == filename:
        return code
    consts = tuple(_compiled_from(const, filename) if isinstance(const, CodeType) else const
                   for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def compile_settings(environment: jinja2.Environment, name: str) -> tuple:
    """What Jinja's compiled code for template `name` depends on besides its source: the syntax,
    the extensions, escaping, finalize, and which filters and tests exist and what they are passed."""
    env = environment
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            sorted(env.extensions), env.optimized, env.is_async, autoescape,
            str(getattr(env.finalize, "jinja_pass_arg", None)) if env.finalize else None,
            _passed(env.filters), _passed(env.tests))


def _passed(functions: dict) -> list:
    """Each filter's or test's name and what Jinja passes it first (a context, an environment or nothing)."""
    return sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in functions.items())

