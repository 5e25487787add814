#!/usr/bin/env python3
"""Side-by-side timing of depgate and cargo-audit on the same job: load the
advisory DB from a directory and match one Cargo.lock (the largest corpus
lockfile), then all 99 corpus lockfiles.

    cargo build --release
    cargo install --locked cargo-audit     # 0.22.x
    python3 benches/compare.py [--runs N]

"cold" is the first run after the DB directory is copied to a new place
(nothing cached by either tool; the OS page cache holds the files, as it
would in CI right after a checkout); "warm" is the median of the following
runs. depgate keeps no pre-parsed cache, so its cold and warm runs do the
same work. Both tools run with yanked checks off and no network.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
DEPGATE = os.path.join(ROOT, "target", "release", "depgate")


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode not in (0, 1):
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - t


def depgate_cmd(db, lock):
    return [DEPGATE, "check", "--lockfile-only", "--lockfile", lock, "--advisory-db", db,
            "--format", "json", "--today", "2026-11-23", "-q"]


def audit_cmd(db, lock):
    return ["cargo", "audit", "--db", db, "--no-fetch", "--stale", "--no-yanked", "-f", lock, "--json"]


def measure(make, locks, runs):
    """(cold, warm median) seconds for running `make(db, lock)` over locks."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "advisory-db")
        shutil.copytree(os.path.join(SHARED, "advisory-db"), db)
        for _ in range(runs + 1):
            results.append(sum(timed(make(db, l)) for l in locks))
    return results[0], statistics.median(results[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not os.path.exists(DEPGATE):
        sys.exit("build first: cargo build --release")
    lockdir = os.path.join(SHARED, "corpus", "lockfiles")
    locks = sorted(os.path.join(lockdir, f) for f in os.listdir(lockdir) if f.endswith(".lock"))
    largest = max(locks, key=os.path.getsize)
    have_audit = shutil.which("cargo-audit") is not None
    print(f"largest lockfile: {os.path.basename(largest)}; {len(locks)} lockfiles; {args.runs} warm runs")
    for label, subset, runs in (("one lockfile", [largest], args.runs), ("all lockfiles", locks, max(1, args.runs // 3))):
        dc, dw = measure(depgate_cmd, subset, runs)
        line = f"{label:14} depgate   cold {dc*1000:8.1f} ms  warm {dw*1000:8.1f} ms"
        print(line)
        if have_audit:
            ac, aw = measure(audit_cmd, subset, runs)
            print(f"{label:14} cargo-audit cold {ac*1000:6.1f} ms  warm {aw*1000:8.1f} ms   "
                  f"speed-up cold {ac/dc:4.1f}x  warm {aw/dw:4.1f}x")
        else:
            print("  (cargo-audit not installed: cargo install --locked cargo-audit)")


if __name__ == "__main__":
    main()
