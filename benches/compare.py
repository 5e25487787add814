#!/usr/bin/env python3
"""Side-by-side timing of depgate, cargo-audit and cargo-deny on the same
jobs, in one run, with the tools interleaved round by round (so drift in
the machine's speed hits every tool alike):

  spawn floor     /bin/true: what starting any process costs here
  one package     a one-package Cargo.lock (depgate: embedded snapshot and
                  DB directory; cargo-audit: the same directory)
  largest lock    the largest corpus lockfile (vector, 1,286 packages)
  uv metadata     uv's saved `cargo metadata` JSON, all check families
                  (depgate --metadata-path vs cargo deny --metadata-path)
  all lockfiles   the 99 corpus lockfiles one after another

    cargo build --release
    cargo install --locked cargo-audit     # 0.22.x
    cargo install --locked cargo-deny      # 0.20.x (optional)
    python3 benches/compare.py [--runs N]

Each figure is the median wall time of N runs (peak RSS of one run, or of
the first file for "all lockfiles", beside it); the
first run of each tool is dropped as a warm-up (it builds depgate's
pre-parsed index; cargo-audit and cargo-deny keep no such cache). The DB
is a fresh copy of ../shared/advisory-db (git-initialised under
`advisory-db-3157b0e258782691` for cargo-deny, which needs a repository).
Processes are started with posix_spawn, so the harness adds little more
than the spawn floor. Every tool runs offline, with yanked checks off.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
DEPGATE = os.path.join(ROOT, "target", "release", "depgate")
TODAY = "2026-12-01"
ONE_LOCK = 'version = 4\n\n[[package]]\nname = "one"\nversion = "0.1.0"\n'
DENY_TOML = """[graph]
all-features = false
[advisories]
db-path = "{db_root}"
db-urls = ["https://github.com/rustsec/advisory-db"]
maximum-db-staleness = "P36500D"
yanked = "allow"
unmaintained = "all"
unsound = "all"
[bans]
multiple-versions = "warn"
wildcards = "allow"
[licenses]
allow = ["MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause",
         "BSD-3-Clause", "ISC", "Unlicense", "Zlib", "Unicode-3.0", "Unicode-DFS-2016",
         "MPL-2.0", "CC0-1.0", "BSL-1.0", "0BSD", "CDLA-Permissive-2.0"]
confidence-threshold = 0.8
unused-allowed-license = "allow"
[sources]
unknown-registry = "deny"
unknown-git = "deny"
"""


def which(name):
    return shutil.which(name) or shutil.which(os.path.expanduser(f"~/.cargo/bin/{name}"))


def peak_rss(cmd, cwd, env):
    """Peak RSS (MB) of one run under /usr/bin/time (wait4 after
    posix_spawn would report the harness's own size); None without it."""
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = p.stderr.strip().splitlines()[-1:] or ["0"]
    return int(last[0]) / 1024 if last[0].isdigit() else None


def spawn(cmd, cwd, env):
    """Wall seconds of one run; exit codes 0-1 (and cargo-deny's finding
    codes) are results, anything else a failure."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    acts = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        t = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, env, file_actions=acts)
        _, status = os.waitpid(pid, 0)
        wall = time.perf_counter() - t
    finally:
        os.chdir(old)
        os.close(devnull)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) and not (cmd[0].endswith("cargo-deny") and 0 < code < 32):
        sys.exit(f"failed ({code}): {' '.join(cmd)}")
    return wall


def job(name, tools, runs, cwd, env):
    """Interleaves `tools` (label, [commands]) for `runs` rounds after one
    warm-up round; prints medians and the speed-up over the first tool."""
    samples = {label: [] for label, _ in tools}
    for r in range(runs + 1):
        for label, cmds in tools:
            wall = sum(spawn(c, cwd, env) for c in cmds)
            if r:
                samples[label].append(wall)
    base = None
    print(f"{name}")
    for label, cmds in tools:
        wall = statistics.median(samples[label]) * 1000
        rss = [peak_rss(c, cwd, env) for c in cmds[:1]][0]
        rss = f"{rss:6.0f} MB" if rss is not None else "     ? MB"
        base = base or wall
        ratio = "" if wall == base else f"   {wall / base:5.1f}x depgate's time"
        print(f"  {label:26} {wall:9.2f} ms  {rss}{ratio}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    if not os.path.exists(DEPGATE):
        sys.exit("build first: cargo build --release")
    audit, deny = which("cargo-audit"), which("cargo-deny")
    lockdir = os.path.join(SHARED, "corpus", "lockfiles")
    locks = sorted(os.path.join(lockdir, f) for f in os.listdir(lockdir) if f.endswith(".lock"))
    largest = max(locks, key=os.path.getsize)
    uv = os.path.abspath(os.path.join(SHARED, "corpus", "metadata", "uv.json"))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "advisory-db")
        shutil.copytree(os.path.join(SHARED, "advisory-db"), db)
        env = dict(os.environ, DEPGATE_HOME=os.path.join(tmp, "home"))
        one = os.path.join(tmp, "one", "Cargo.lock")
        os.makedirs(os.path.dirname(one))
        with open(one, "w") as f:
            f.write(ONE_LOCK)

        def dg(lock, *extra):
            return [DEPGATE, "check", "--lockfile-only", "--lockfile", lock, "--format", "json",
                    "-q", "--today", TODAY, *extra]

        def ca(lock):
            return [audit, "audit", "--db", db, "--no-fetch", "--stale", "--no-yanked", "-f",
                    lock, "--json"]

        print(f"{args.runs} runs each, medians; depgate {DEPGATE}")
        job("spawn floor", [("/bin/true", [["/bin/true"]])], args.runs, tmp, env)
        for name, lock in (("one package", one), (f"largest lock ({os.path.basename(largest)})", largest)):
            tools = [("depgate (embedded)", [dg(lock)]),
                     ("depgate (DB directory)", [dg(lock, "--advisory-db", db)])]
            if audit:
                tools.append(("cargo-audit (directory)", [ca(lock)]))
            job(name, tools, args.runs, tmp, env)
        tools = [("depgate (DB directory)", [[DEPGATE, "check", "--metadata-path", uv, "--format",
                                              "json", "-q", "--today", TODAY, "--advisory-db", db]])]
        if deny:
            root = os.path.join(tmp, "deny")
            os.makedirs(root)
            shutil.copytree(db, os.path.join(root, "advisory-db-3157b0e258782691"))
            git = ["git", "-C", os.path.join(root, "advisory-db-3157b0e258782691")]
            subprocess.run(git + ["init", "-q"], check=True)
            subprocess.run(git + ["add", "-A"], check=True)
            subprocess.run(git + ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "db"],
                           check=True)
            ws = os.path.join(root, "ws")
            os.makedirs(os.path.join(ws, "src"))
            with open(os.path.join(ws, "Cargo.toml"), "w") as f:
                f.write('[package]\nname = "ws"\nversion = "0.1.0"\nedition = "2021"\n')
            open(os.path.join(ws, "src", "lib.rs"), "w").close()
            with open(os.path.join(root, "deny.toml"), "w") as f:
                f.write(DENY_TOML.format(db_root=root))
            tools.append(("cargo-deny", [[deny, "--offline", "--manifest-path",
                                          os.path.join(ws, "Cargo.toml"), "--metadata-path", uv,
                                          "--format", "json", "--config",
                                          os.path.join(root, "deny.toml"), "check"]]))
        else:
            print("  (cargo-deny not installed: cargo install --locked cargo-deny)")
        job("uv metadata (all families)", tools, max(3, args.runs // 3), tmp, env)
        # What ships: a real cargo-auditable binary, and uv's graph as an SBOM.
        binary = os.path.join(ROOT, "testdata", "auditable", "auditable-hello.bin")
        art = [DEPGATE, "artifact", binary, "--format", "json", "-q", "--today", TODAY]
        tools = [("depgate artifact (embedded)", [art]),
                 ("depgate artifact (DB dir)", [art + ["--advisory-db", db]])]
        if audit:
            tools.append(("cargo audit bin (directory)",
                          [[audit, "audit", "--db", db, "--no-fetch", "--stale", "--json", "bin",
                            binary]]))
        job("cargo-auditable binary (4 packages)", tools, args.runs, tmp, env)
        sbom = os.path.join(tmp, "uv.cdx.json")
        subprocess.run([DEPGATE, "sbom", "--metadata-path", uv, "--output", sbom], check=True,
                       cwd=tmp, env=env)
        meta = [DEPGATE, "check", "--metadata-path", uv, "--format", "json", "-q", "--today", TODAY,
                "--advisory-db", db]
        job("uv: SBOM in, against its metadata", [
            ("depgate check --sbom", [[DEPGATE, "check", "--sbom", sbom, "--format", "json", "-q",
                                       "--today", TODAY, "--advisory-db", db]]),
            ("depgate check --metadata-path", [meta])], max(3, args.runs // 3), tmp, env)
        tools = [("depgate (DB directory)", [dg(l, "--advisory-db", db) for l in locks])]
        if audit:
            tools.append(("cargo-audit (directory)", [ca(l) for l in locks]))
        job(f"all {len(locks)} lockfiles", tools, max(1, args.runs // 7), tmp, env)


if __name__ == "__main__":
    main()
