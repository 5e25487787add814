#!/usr/bin/env bash
# Validates depgate's SARIF with Microsoft's SARIF multitool (npm): the
# fixture workspace and several corpus lockfiles. Fails on any result of
# level error or warning (a result without a level is a warning).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.ci/node
if [ ! -x "$tools/node_modules/.bin/sarif-multitool" ]; then
  npm install --prefix "$tools" --no-audit --no-fund --no-save @microsoft/sarif-multitool@5.7.0 >/dev/null
fi
chmod u+x "$tools"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin=target/debug/depgate
set +e
"$bin" check --manifest-path testdata/ws-basic/Cargo.toml --metadata-path testdata/ws-basic/metadata.json \
  --today 2026-11-23 --format sarif > "$out/fixture.sarif"
for lock in astral-sh__uv__2026-08-21 lapce__lapce__2023-05-31 BurntSushi__ripgrep__2019-04-25 sharkdp__bat__2026-08-01; do
  "$bin" check --lockfile-only --lockfile "../shared/corpus/lockfiles/$lock.lock" --policy policies/regulated.toml \
    --today 2026-11-23 --format sarif > "$out/$lock.sarif"
  [ $? -le 1 ] || { echo "depgate failed on $lock"; exit 1; }
done
# A fleet scan: one SARIF file per repository (several units each).
fleet="$out/fleet" && mkdir -p "$fleet/repos/bat/.git" "$fleet/repos/bat/fuzz" "$fleet/repos/uv/.git"
cp ../shared/corpus/lockfiles/sharkdp__bat__2026-08-01.lock "$fleet/repos/bat/Cargo.lock"
cp ../shared/corpus/lockfiles/BurntSushi__ripgrep__2019-04-25.lock "$fleet/repos/bat/fuzz/Cargo.lock"
cp ../shared/corpus/lockfiles/astral-sh__uv__2026-08-21.lock "$fleet/repos/uv/Cargo.lock"
"$bin" fleet scan "$fleet/repos" --policy policies/regulated.toml --today 2026-11-23 -q --output "sarif=$out/"
[ $? -le 1 ] || { echo "depgate fleet scan failed"; exit 1; }
# What ships: a cargo-auditable binary, an SBOM, and a release directory
# with a changed file and an unlisted one.
"$bin" artifact testdata/auditable/auditable-hello.bin --today 2026-11-23 --format sarif > "$out/artifact.sarif"
[ $? -le 1 ] || { echo "depgate artifact failed"; exit 1; }
"$bin" check --sbom testdata/sbom/cdxgen-ws-basic.cdx.json --today 2026-11-23 --format sarif > "$out/sbom.sarif"
[ $? -le 1 ] || { echo "depgate check --sbom failed"; exit 1; }
rel=target/ci-release && rm -rf "$rel" && mkdir -p "$rel"
printf 'release' > "$rel/app" && printf 'notes' > "$rel/notes.txt"
(cd "$rel" && sha256sum app > SHA256SUMS) && printf 'changed' > "$rel/app"
"$bin" verify --manifest "$rel/SHA256SUMS" --today 2026-11-23 --format sarif > "$out/verify.sarif"
[ $? -eq 1 ] || { echo "depgate verify did not fail on a changed file"; exit 1; }
set -e
status=0
for f in "$out"/*.sarif; do
  "$tools/node_modules/.bin/sarif-multitool" validate "$f" -o "$f.validation" >/dev/null
  python3 - "$f" "$f.validation" <<'PY' || status=1
import json, sys
results = json.load(open(sys.argv[2]))["runs"][0].get("results", [])
bad = [r for r in results if r.get("level", "warning") in ("error", "warning")]
n = len(json.load(open(sys.argv[1]))["runs"][0]["results"])
print(f"sarif-multitool: {sys.argv[1].rsplit('/', 1)[-1]}: {n} results, {len(bad)} errors/warnings")
for r in bad:
    print(f"  {r.get('ruleId')}: {r['message'].get('text', r['message'])}")
sys.exit(1 if bad else 0)
PY
done
exit $status
