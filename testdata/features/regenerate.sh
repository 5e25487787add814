#!/usr/bin/env bash
# Regenerate the cargo metadata / cargo tree outputs of the feature fixtures.
# Needs only cargo and python3; path crates only, so it runs --offline and
# compiles nothing. Run from anywhere: testdata/features/regenerate.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
testdata="$(dirname "$here")"
# Same convention as testdata/ws-basic/metadata.json: <repo>/testdata -> /fixture
placeholder=/fixture
host_target=x86_64-unknown-linux-gnu

# cargo metadata -> sorted, indented JSON with the machine's path replaced.
metadata() { # <out> <cargo metadata args...>
  local out=$1; shift
  cargo metadata --format-version 1 --offline "$@" |
    python3 -c 'import json, sys
d = json.loads(sys.stdin.read().replace(sys.argv[1], sys.argv[2]))
json.dump(d, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")' "$testdata" "$placeholder" >"$out"
}

# cargo tree -> one "name vX.Y.Z" per line, sorted, unique, no paths.
tree() { # <out> <cargo tree args...>
  local out=$1; shift
  cargo tree --offline --workspace --prefix none "$@" |
    sed 's/ (\*)$//; s/ (proc-macro)$//; /^$/d' | sed 's# (/[^)]*)##' |
    LC_ALL=C sort -u >"$out"
}

for r in r1 r2; do
  ws="$here/$r"
  m=(--manifest-path "$ws/Cargo.toml")
  all=(--edges normal,build,dev --target all)
  metadata "$ws/metadata.json" "${m[@]}"
  metadata "$ws/metadata-no-default.json" "${m[@]}" --no-default-features
  metadata "$ws/metadata-all-features.json" "${m[@]}" --all-features
  tree "$ws/cargo-tree.txt" "${m[@]}" "${all[@]}" -f '{p}'
  tree "$ws/cargo-tree-no-default.txt" "${m[@]}" "${all[@]}" -f '{p}' --no-default-features
  tree "$ws/cargo-tree-all-features.txt" "${m[@]}" "${all[@]}" -f '{p}' --all-features
  # enabled features of every built package, one line per (package, feature set)
  tree "$ws/cargo-tree-features.txt" "${m[@]}" "${all[@]}" -f '{p} [{f}]'
  # what `cargo build --workspace` builds on a Linux host (no dev-deps, one target)
  tree "$ws/cargo-tree-build.txt" "${m[@]}" --edges normal,build --target "$host_target" -f '{p}'
done

if grep -rl "$testdata" "$here"/r?/*.json "$here"/r?/*.txt; then
  echo "error: machine path left in the files above" >&2
  exit 1
fi
