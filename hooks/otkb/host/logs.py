"""MkDocs' log, as the build needs it: `--strict` detection, editor warnings it does not count, and
the quiet dirty build.

MkDocs internals used here (kept short on purpose; a successor needs the same three facts):
- `mkdocs build --strict` counts WARNING records through a `mkdocs.utils.CountHandler` on the
  `mkdocs` logger, and aborts after `on_post_build` when it counted any;
- MkDocs' terminal handler on that logger is named `MkDocsStreamHandler`;
- a dirty build logs "A 'dirty' build is being performed" from `mkdocs.commands.build`.
ProperDocs (the maintained fork) does the same under its own names: the `properdocs` logger and
`ProperDocsStreamHandler`; both are looked for.
"""

from __future__ import annotations

import logging

from mkdocs.utils import CountHandler

BUILDER_LOGGERS = ("mkdocs", "properdocs")
TERMINAL_HANDLERS = ("MkDocsStreamHandler", "ProperDocsStreamHandler")


def _builder_handlers() -> list[logging.Handler]:
    return [handler for name in BUILDER_LOGGERS for handler in logging.getLogger(name).handlers]


def strict_warnings_logged() -> bool:
    """True when `mkdocs build --strict` has counted warnings and will abort after post_build."""
    return any(isinstance(handler, CountHandler) and handler.get_counts() for handler in _builder_handlers())


def warning_logger() -> logging.Logger:
    """A logger for editor warnings that MkDocs shows but does not count.

    `mkdocs build --strict` counts WARNING records that reach the `mkdocs`
    logger (mkdocs/commands/build.py). This logger sits outside `mkdocs.*`
    and writes through MkDocs' own terminal handler, so the warnings look
    like MkDocs warnings but never abort a strict build.
    """
    logger = logging.getLogger("otkb.warnings")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for handler in _builder_handlers():
        if handler.name in TERMINAL_HANDLERS and handler not in logger.handlers:
            logger.handlers = [handler]
    if not logger.handlers:
        logger.propagate = True  # MkDocs used as a library: let Python's default handling show them
    return logger


class QuietDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale; ours is not, so say nothing.

    A serve session adds it while it runs and removes it when it ends (otkb.host.session)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build is being performed" not in record.getMessage()


DIRTY_BUILD_LOGGERS = tuple(f"{name}.commands.build" for name in BUILDER_LOGGERS)
