"""Drive `mkdocs serve`'s incremental rebuild in this process, as serve does, for test_incremental.py.

    python incremental_driver.py PROJECT SITE EDITS_MODULE

Builds PROJECT into SITE the way `mkdocs serve` does (first a full build,
then on_serve), then for each edit applies it and runs the serve rebuild.
Runs in its own process: otkb.incremental keeps state for a whole process.
"""

import importlib.util
import logging
import os
import sys
from pathlib import Path

project, site, edits_file = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
os.chdir(project)
sys.path.insert(0, str(project / "hooks"))

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.livereload import LiveReloadServer  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/"
config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = SERVE_URL
build(config, serve_url=SERVE_URL)
server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=site)
config.plugins.on_serve(server, config=config, builder=lambda: None)

spec = importlib.util.spec_from_file_location("edits", edits_file)
edits = importlib.util.module_from_spec(spec)
spec.loader.exec_module(edits)
failed = []
handler = logging.Handler()
handler.emit = lambda record: failed.append(record.getMessage()) if record.levelno >= logging.ERROR else None
logging.getLogger().addHandler(handler)
for edit in edits.EDITS:
    edit(project)
    server.builder()  # what the file watcher calls after a save
if failed:
    sys.exit("rebuild logged errors:\n" + "\n".join(failed))
