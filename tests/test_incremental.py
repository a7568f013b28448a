"""The incremental preview: after edits, what `mkdocs serve` shows equals a full build of the result."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import build, copy_project, write

DRIVER = Path(__file__).parent / "incremental_driver.py"
EDITS = '''
from pathlib import Path

def retitle_a_record_others_link_to(project):
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("title: Peg games and pinch strength", "title: Peg play and pinch"))

def add_a_record(project):
    (project / "data/activities/bead-threading.yml").write_text(
        "title: Bead threading\\nsummary: Thread big beads on a lace.\\ntopics: [fine-motor]\\n"
        "reviewed: 2026-06-01\\nskills: [bilateral-coordination]\\nages: {min: 3 years, max: 6 years}\\n"
        "materials: [Beads, A lace]\\nsteps: [Thread a bead.]\\nrelated: [activities/peg-game]\\n")

def rename_a_topic(project):
    path = project / "data/topics.yml"
    path.write_text(path.read_text().replace("name: Hand strength", "name: Strong hands"))

def delete_a_record(project):
    (project / "data/articles/hand-skills-at-home.yml").unlink()
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]", "supports: []"))

EDITS = [retitle_a_record_others_link_to, add_a_record, rename_a_topic, delete_a_record]
'''


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_rebuilds_equal_a_full_build(tmp_path):
    project = copy_project(tmp_path / "project")
    edits = write(tmp_path / "edits.py", EDITS)
    served = tmp_path / "served"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"}
    result = subprocess.run([sys.executable, str(DRIVER), str(project), str(served), str(edits)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr

    full = copy_project(tmp_path / "full", data=project / "data")
    result = subprocess.run([sys.executable, str(DRIVER), str(full), str(tmp_path / "fresh"), str(write(
        tmp_path / "none.py", "EDITS = []\n"))], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr

    incremental, fresh = tree(served), tree(tmp_path / "fresh")
    assert sorted(incremental) == sorted(fresh)
    different = [name for name in fresh if incremental[name] != fresh[name]]
    assert different == []
    page = incremental["activities/peg-game/index.html"].decode()
    assert "Strong hands" in page and "Bead threading" in page and "Hand skills at home" not in page
