//! The commit of the repository holding the workspace, read from `.git`
//! as files: no `git` process runs (a repository's config can make git
//! execute programs, and the tree may be untrusted).

use crate::graph::Graph;
use std::path::Path;

/// `HEAD`'s commit, when the workspace is in a git repository and it can
/// be read (a detached head, a loose ref or `packed-refs`).
pub fn commit(g: &Graph) -> Option<String> {
    let git = g.repo_root.as_deref()?.join(".git");
    let git = if git.is_file() {
        // A worktree or submodule: `gitdir: PATH`.
        let text = small(&git)?;
        let dir = text.strip_prefix("gitdir:")?.trim();
        git.parent()?.join(dir)
    } else {
        git
    };
    let head = small(&git.join("HEAD"))?;
    let head = head.trim();
    let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
        return hex40(head);
    };
    if !name.starts_with("refs/") || name.contains("..") {
        return None;
    }
    if let Some(c) = small(&git.join(name)).and_then(|t| hex40(t.trim())) {
        return Some(c);
    }
    // Worktrees keep shared refs in the common directory.
    let common = small(&git.join("commondir"))
        .map(|c| git.join(c.trim()))
        .unwrap_or(git);
    small(&common.join("packed-refs"))?
        .lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(_, r)| *r == name)
        .and_then(|(c, _)| hex40(c))
}

fn small(p: &Path) -> Option<String> {
    let shown = p.display().to_string();
    crate::input::read_text(p, &shown, 1 << 20, crate::input::Links::Refuse).ok()
}

fn hex40(s: &str) -> Option<String> {
    (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_string())
}
