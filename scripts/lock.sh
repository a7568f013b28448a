#!/usr/bin/env bash
# Regenerate the lock files from the pins in pyproject.toml:
#   requirements/site.txt   what building the site needs (netlify.toml, the publish workflow's build)
#   requirements/test.txt   that and the `test` extra (.ci/run, the publish workflow's tests)
#   requirements/audit.txt  pip-audit for .github/workflows/audit.yml, from requirements/audit.in
# Each names every package, transitive ones included, at one version with the sha256 of every
# file PyPI has for it, so `pip install --require-hashes -r requirements/<name>.txt` installs
# exactly these files or nothing. Resolved for Python 3.11 on Linux, as CI and the hosts run.
#
#   scripts/lock.sh                                   # after changing a pin in pyproject.toml
#   scripts/lock.sh --upgrade-package certifi         # move one transitive package on
#   scripts/lock.sh --upgrade                         # move every transitive package on
#
# pip-tools runs in a throwaway venv; this machine's pip settings (mirrors, --find-links) are
# ignored, so the hashes are PyPI's. tests/test_dependencies.py fails when a pin in
# pyproject.toml and a lock disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "3.11" ]; then
  echo "lock.sh: resolving with $("$python" --version); the locks are for Python 3.11 (set PYTHON=...)" >&2
fi
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT
"$python" -m venv "$tools"
"$tools/bin/pip" install -q pip-tools==7.6.2
export CUSTOM_COMPILE_COMMAND="scripts/lock.sh"
compile() {
  "$tools/bin/pip-compile" -q --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
    --allow-unsafe "$@"
}
# pip-compile writes its own header; say under it what the file is and how to use it.
note() {
  sed -i "/^#    scripts\/lock.sh$/a\\
#\\
# $1, every package with its hashes (Python 3.11, Linux).\\
# Install: pip install --require-hashes -r $2, then pip install --no-deps -e .\\
# Regenerate after changing pyproject.toml: scripts/lock.sh (README.md, Dependencies)." "$2"
}
compile --output-file requirements/site.txt "$@" pyproject.toml
note "What building the site needs" requirements/site.txt
compile --extra test --output-file requirements/test.txt "$@" pyproject.toml
note "What building the site and running the tests need (the test extra)" requirements/test.txt
compile --output-file requirements/audit.txt "$@" requirements/audit.in
note "pip-audit for the weekly audit (.github/workflows/audit.yml)" requirements/audit.txt
