#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with libFuzzer,
# seeded from the committed corpus (fuzz/corpus/TARGET, read only); new
# inputs go to fuzz/work/TARGET (not committed). Prints executions and
# crashes per target, and appends them to fuzz/runs.tsv for the cumulative
# figures in fuzz/README.md. `fuzz/run.sh merge` then folds into the
# committed corpus only the work inputs that add coverage (libFuzzer
# -merge=1, within -max_len), so the committed corpus stays minimal. Needs cargo-fuzz (`cargo install --locked cargo-fuzz`);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain take cargo-fuzz's -Z flags.
# No sanitizer: the code is safe Rust, and throughput matters more here.
#   fuzz/run.sh 600            # every target, 10 minutes each
#   fuzz/run.sh 60 lockfile    # one target
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
if [ "$secs" = merge ]; then mode=merge; secs=0; else mode=run; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lockfile policy spdx advisory cvss baseline metadata fleet_report db_index sbom release audit_data)
declare -A dict=([lockfile]=lockfile [policy]=policy [spdx]=spdx [advisory]=advisory [cvss]=cvss
  [baseline]=json [metadata]=json [fleet_report]=json [db_index]=db_index [sbom]=json [release]=json
  [audit_data]=db_index)
declare -A maxlen=([lockfile]=8192 [policy]=4096 [spdx]=1024 [advisory]=4096 [cvss]=256
  [baseline]=16384 [metadata]=65536 [fleet_report]=65536 [db_index]=65536 [sbom]=65536 [release]=8192
  [audit_data]=16384)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none -O >/dev/null 2>&1 || cargo fuzz build -s none -O || exit 2
status=0
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s seconds crashes
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "work/$t" "artifacts/$t"
  if [ $mode = merge ]; then
    cargo fuzz run -s none -O "$t" "corpus/$t" "work/$t" -- -merge=1 -use_counters=0 -max_len="${maxlen[$t]}" >/dev/null 2>&1
    echo "$t: $(ls "corpus/$t" | wc -l) corpus files, $(du -sk "corpus/$t" | cut -f1) KB"
    continue
  fi
  before=$(ls "artifacts/$t" 2>/dev/null | sort)
  log=$(mktemp)
  cargo fuzz run -s none -O "$t" "work/$t" "corpus/$t" -- -max_total_time="$secs" -max_len="${maxlen[$t]}" \
    -dict="dict/${dict[$t]}.dict" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  # Only what this run found (older artifacts stay until you remove them).
  crashes=$(comm -13 <(echo "$before") <(ls "artifacts/$t" 2>/dev/null | sort) | tr '\n' ' ')
  printf '%-14s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$secs" "${crashes:-none}"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$t" "${execs:-0}" "$secs" "${crashes:-none}" >> runs.tsv
  if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
    status=1
    grep -E 'panicked|ERROR|SUMMARY' "$log" | head -5
  fi
  rm -f "$log"
done
exit $status
