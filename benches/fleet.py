#!/usr/bin/env python3
"""Fleet benchmark: every corpus lockfile laid out as one repository (99),
and that set replicated x5 (495), scanned with `depgate fleet scan` and the
default preset, side by side in one run with

  (a) a sequential loop of `cargo audit --db DB --no-fetch --stale -f FILE`
      over the same files and DB (99 only; x5 is extrapolated as 5x);
  (b) the parse-only floor: discover, read and parse every lockfile, in
      process, nothing else (`cargo bench --bench parse_floor`);
  (c) `cat` of every file (the I/O floor);

plus `depgate fleet query` on the saved 495-unit report. Wall times are
medians of --runs runs; peak RSS is the largest of depgate's runs (wait4).

    cargo build --release
    cargo install --locked cargo-audit@0.22.2     # if missing
    python3 benches/fleet.py [--runs N]
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
DEPGATE = os.path.join(ROOT, "target", "release", "depgate")
TODAY = "2026-11-23"


def run(cmd, ok=(0, 1)):
    """(seconds, peak RSS in MB) of one run."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"failed ({code}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def median_run(cmd, runs):
    results = [run(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def layout(tmp, locks, copies):
    root = os.path.join(tmp, f"fleet-{len(locks) * copies}", "repos")
    for c in range(copies):
        for lock in locks:
            name = os.path.basename(lock)[:-5] + (f"-copy{c}" if c else "")
            os.makedirs(os.path.join(root, name, ".git"))
            shutil.copy(lock, os.path.join(root, name, "Cargo.lock"))
    return root


def floor(root, jobs):
    out = subprocess.run(["cargo", "bench", "-q", "--bench", "parse_floor", "--", root, str(jobs)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"floor_ms=([0-9.]+)", out).group(1)) / 1e3


def cat(root, runs):
    files = [os.path.join(d, "Cargo.lock") for d, _, fs in os.walk(root) if "Cargo.lock" in fs]
    return median_run(["sh", "-c", 'cat "$@" > /dev/null', "cat"] + files, runs)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not os.path.exists(DEPGATE):
        sys.exit("build first: cargo build --release")
    lockdir = os.path.join(SHARED, "corpus", "lockfiles")
    locks = sorted(os.path.join(lockdir, f) for f in os.listdir(lockdir) if f.endswith(".lock"))
    have_audit = shutil.which("cargo-audit") is not None
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "advisory-db")
        shutil.copytree(os.path.join(SHARED, "advisory-db"), db)
        subprocess.run([DEPGATE, "db", "info", "--advisory-db", db], capture_output=True)  # warm its cache
        audit = None
        if have_audit:
            cmds = [["cargo", "audit", "--db", db, "--no-fetch", "--stale", "-f", l] for l in locks]
            audit = statistics.median(sum(run(c)[0] for c in cmds) for _ in range(max(1, args.runs // 2)))
        rows = []
        for copies in (1, 5):
            root = layout(tmp, locks, copies)
            report = os.path.join(tmp, f"fleet-{copies}.json")
            scan = [DEPGATE, "fleet", "scan", root, "--advisory-db", db, "--today", TODAY, "-q",
                    "--output", f"json={report}"]
            t2, rss2 = median_run(scan + ["--jobs", "2"], args.runs)
            t1, rss1 = median_run(scan + ["--jobs", "1"], args.runs)
            q, _ = median_run([DEPGATE, "fleet", "query", "openssl", "--report", report], args.runs)
            rows.append((len(locks) * copies, t2, t1, max(rss1, rss2), floor(root, 2), cat(root, args.runs), q,
                         os.path.getsize(report) / 1e6, audit * copies if audit else None))
    print(f"{'units':>5} {'jobs 2':>9} {'jobs 1':>9} {'peak RSS':>9} {'parse floor':>11} {'x floor':>7} "
          f"{'cat':>8} {'query':>8} {'report':>8} {'cargo-audit loop':>16} {'speed-up':>8}")
    for n, t2, t1, rss, fl, c, q, size, a in rows:
        audit_s = f"{a * 1e3:>14.0f}ms" if a else f"{'-':>16}"
        speed = f"{a / t2:>7.1f}x" if a else f"{'-':>8}"
        print(f"{n:>5} {t2 * 1e3:>7.0f}ms {t1 * 1e3:>7.0f}ms {rss:>7.0f}MB {fl * 1e3:>9.0f}ms {t2 / fl:>6.1f}x "
              f"{c * 1e3:>6.1f}ms {q * 1e3:>6.0f}ms {size:>6.1f}MB {audit_s} {speed}")
    if have_audit:
        print("cargo-audit: measured on the 99; the 495 figure is 5x that (the loop is sequential).")


if __name__ == "__main__":
    main()
