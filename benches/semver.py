#!/usr/bin/env python3
"""Times `depgate semver` on a real mid-size library crate.

The crate (regex-syntax 0.8.10, 58k lines, from the local cargo registry
cache) is copied into a temporary git repository, committed, and given a
synthetic second commit (an added public function, a changed signature and
a patch bump). Reported, as medians of --runs:

  - a first run (fresh DEPGATE_HOME): total, the base and head rustdoc
    builds, and depgate's own load-and-diff (from `-v`);
  - a second run on the same base (the base's rustdoc JSON from the cache);
  - one plain head `cargo rustdoc` build, for the cached-run target;
  - cargo-semver-checks on the same pair, when it is installed.

Targets (issue 12): depgate's own part <= 100 ms; the cached second run
<= 1.1x one head rustdoc build. Run after `cargo build --release`.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPGATE = os.path.join(ROOT, "target", "release", "depgate")
CRATE = "regex-syntax-0.8.10"


def sh(cmd, cwd, env=None, check=True):
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if check and p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return took, p


def git(repo, *args):
    sh(["git", "-c", "user.name=b", "-c", "user.email=b@b", *args], repo)


def setup(tmp):
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    src = glob.glob(os.path.join(home, "registry", "src", "*", CRATE))
    if not src:
        sys.exit(f"{CRATE} is not in the cargo registry cache ({home})")
    repo = os.path.join(tmp, "repo")
    shutil.copytree(src[0], repo)
    for f in (".cargo_vcs_info.json", "Cargo.toml.orig"):
        if os.path.exists(os.path.join(repo, f)):
            os.remove(os.path.join(repo, f))
    with open(os.path.join(repo, "Cargo.toml"), "a") as f:
        f.write("\n[workspace]\n")
    sh(["cargo", "generate-lockfile"], repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    lib = os.path.join(repo, "src", "lib.rs")
    text = open(lib).read()
    text = text.replace("pub fn escape(text: &str) -> String", "pub fn escape(text: &str, _extra: u8) -> String")
    text += "\n/// Added by the benchmark.\npub fn depgate_bench_added() {}\n"
    open(lib, "w").write(text)
    man = os.path.join(repo, "Cargo.toml")
    text = open(man).read()
    open(man, "w").write(re.sub(r'(?m)^version = "0\.8\.10"', 'version = "0.8.11"', text, count=1))
    git(repo, "commit", "-qam", "head")
    return repo


def notes(stderr):
    ms = {}
    for key, pat in (("base", r"base rustdoc (\d+) ms"), ("head", r"head rustdoc (\d+) ms"),
                     ("diff", r"load and diff (\d+) ms")):
        m = re.search(pat, stderr)
        if m:
            ms[key] = int(m.group(1))
    return ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not os.path.exists(DEPGATE):
        sys.exit("build first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        repo = setup(tmp)
        cmd = [DEPGATE, "semver", "--base-ref", "HEAD~1", "-v", "--format", "json", "--today", "2026-12-01"]
        first, second, parts = [], [], []
        for r in range(args.runs):
            env = dict(os.environ, DEPGATE_HOME=os.path.join(tmp, f"home{r}"))
            t, p = sh(cmd, repo, env)
            first.append(t)
            parts.append(notes(p.stderr))
            # The head changed since (as between two pushes): its crate is
            # documented again; the base comes from the cache.
            os.utime(os.path.join(repo, "src", "lib.rs"))
            t, p = sh(cmd, repo, env)
            second.append(t)
            parts[-1]["cached-diff"] = notes(p.stderr).get("diff")
        plain = []
        td = os.path.join(tmp, "plain")
        rustdoc = ["cargo", "rustdoc", "--lib", "--output-format", "json", "-Z", "unstable-options",
                   "--target-dir", td, "--", "--document-private-items", "--document-hidden-items",
                   "--cap-lints", "allow"]
        sh(rustdoc, repo, dict(os.environ, RUSTC_BOOTSTRAP="1"))
        for r in range(args.runs):
            os.utime(os.path.join(repo, "src", "lib.rs"))
            t, _ = sh(rustdoc, repo, dict(os.environ, RUSTC_BOOTSTRAP="1"))
            plain.append(t)
        med = lambda xs: statistics.median(xs) * 1000
        part = lambda k: statistics.median([p[k] for p in parts if p.get(k) is not None])
        print(f"{CRATE}: {args.runs} runs, medians")
        print(f"  first run (fresh home)      {med(first):8.0f} ms   base rustdoc {part('base'):.0f} ms, head rustdoc {part('head'):.0f} ms, depgate load+diff {part('diff'):.0f} ms")
        print(f"  second run (cached base)    {med(second):8.0f} ms   depgate load+diff {part('cached-diff'):.0f} ms")
        print(f"  one head rustdoc build      {med(plain):8.0f} ms   (second run / this = {med(second) / med(plain):.2f}x)")
        csc = shutil.which("cargo-semver-checks")
        if csc:
            times = []
            for r in range(args.runs):
                env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(tmp, f"csc{r}"))
                t, p = sh(["cargo", "semver-checks", "--baseline-rev", "HEAD~1"], repo, env, check=False)
                times.append(t)
            print(f"  cargo-semver-checks         {med(times):8.0f} ms   (fresh target dir each run; exit {p.returncode})")
        else:
            print("  (cargo-semver-checks not installed: cargo install --locked cargo-semver-checks)")


if __name__ == "__main__":
    main()
