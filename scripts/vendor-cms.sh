#!/usr/bin/env bash
# Vendor the web editor's browser code from npm, at pinned versions, into overrides/admin/vendor/
# (MkDocs copies it into site/admin/vendor/), and record every file's SHA-256 in
# requirements/browser.json. Users, CI and the hosts never run npm: the files are committed.
#
#   scripts/vendor-cms.sh                                  # fetch the versions browser.json names again
#   scripts/vendor-cms.sh decap-cms@3.17.0                 # move Decap CMS on (js-yaml stays)
#   scripts/vendor-cms.sh decap-cms@3.16.3 js-yaml@4.1.0   # both, explicitly
#
# Needs node's npm (any recent one). `npm pack` checks the tarball against the registry's integrity
# hash; the files taken are then hashed here. tests/tools/test_web_editor.py fails when a vendored file and
# browser.json disagree, or when a file is missing or extra.
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=requirements/browser.json
vendor=overrides/admin/vendor
current() { python3 -c "import json,sys; print(json.load(open('$manifest'))['packages'][sys.argv[1]]['version'])" "$1"; }
decap="decap-cms@$(current decap-cms 2>/dev/null || echo 3.16.3)"
yaml="js-yaml@$(current js-yaml 2>/dev/null || echo 4.1.0)"
for spec in "$@"; do
  case "$spec" in decap-cms@*) decap=$spec ;; js-yaml@*) yaml=$spec ;; *) echo "vendor-cms.sh: unknown $spec" >&2; exit 2 ;; esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$decap" "$yaml" >/dev/null)
mkdir -p "$work/decap" "$work/yaml"
tar xzf "$work"/decap-cms-*.tgz -C "$work/decap"
tar xzf "$work"/js-yaml-*.tgz -C "$work/yaml"
rm -rf "$vendor"
mkdir -p "$vendor/decap"
# Decap's webpack build: decap-cms.js and the chunks it loads from its own folder (no source maps).
find "$work/decap/package/dist" -maxdepth 1 \( -name '*decap-cms.js' -o -name 'decap-cms.js.LICENSE.txt' \) -exec cp {} "$vendor/decap/" \;
cp "$work/yaml/package/dist/js-yaml.min.js" "$vendor/js-yaml.min.js"
cp "$work/yaml/package/LICENSE" "$vendor/js-yaml-LICENSE.txt"
python3 - "$manifest" "$vendor" "${decap#*@}" "${yaml#*@}" <<'PY'
import hashlib, json, sys
from pathlib import Path
manifest, vendor, decap, yaml = sys.argv[1:]
files = {p.relative_to(vendor).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
         for p in sorted(Path(vendor).rglob("*")) if p.is_file()}
Path(manifest).write_text(json.dumps({
    "comment": "Browser code vendored from npm by scripts/vendor-cms.sh into overrides/admin/vendor/; never edit by hand",
    "packages": {"decap-cms": {"version": decap, "files": "decap/"},
                 "js-yaml": {"version": yaml, "files": "js-yaml.min.js"}},
    "sha256": files}, indent=1) + "\n")
print(f"vendor-cms.sh: {len(files)} files from decap-cms {decap} and js-yaml {yaml} into {vendor}")
PY
