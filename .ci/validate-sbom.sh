#!/usr/bin/env bash
# Writes SBOMs of the real corpus graphs (CycloneDX 1.6, and 1.5 for one)
# with the debug build and validates them with cyclonedx-python-lib,
# installed into a venv here on first use (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.ci/venv-cyclonedx
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import cyclonedx.validation.json" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'cyclonedx-python-lib[json-validation]==11.*' >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for name in ripgrep bat uv; do
  target/debug/depgate sbom --metadata-path "../shared/corpus/metadata/$name.json" --today 2026-12-01 \
    --output "$out/$name.cdx.json"
done
target/debug/depgate sbom --metadata-path ../shared/corpus/metadata/uv.json --spec-version 1.5 \
  --include-dev --output "$out/uv-1.5.cdx.json"
target/debug/depgate sbom --lockfile-only --lockfile ../shared/corpus/lockfiles/vectordotdev__vector__2026-08-21.lock \
  --output "$out/vector-lockfile.cdx.json"
"$venv/bin/python" .ci/validate-sbom.py "$out"/*.cdx.json
