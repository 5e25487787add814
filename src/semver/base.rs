//! The base side: a git revision (checked out into a temporary worktree
//! only when something must be built from it) or a given directory, its
//! cache key, and its library members, cached by that key so that a run
//! whose base is fully cached never touches the base tree.

use super::Base;
use super::members::{self, Member};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct BaseTree<'r> {
    repo: Option<&'r Path>,
    /// The head workspace's path inside the repository.
    rel: PathBuf,
    commit: Option<String>,
    dir: Option<PathBuf>,
    worktree: Option<crate::git::Worktree<'r>>,
    /// The cache key: the commit, or a hash of the tree's contents.
    pub key: String,
    /// How the base is named in messages.
    pub label: String,
}

impl<'r> BaseTree<'r> {
    pub fn new(base: &Base, head: &Path, repo: Option<&'r Path>) -> Result<BaseTree<'r>> {
        let rel = repo
            .and_then(|r| head.strip_prefix(r).ok())
            .unwrap_or(Path::new(""))
            .to_path_buf();
        Ok(match base {
            Base::Ref(rev) => {
                let r = repo.ok_or_else(|| {
                    Error::Usage(
                        "--base-ref needs the workspace to be inside a git repository".into(),
                    )
                })?;
                let commit =
                    crate::git::git(r, &["rev-parse", "--verify", &format!("{rev}^{{commit}}")])?;
                BaseTree {
                    repo,
                    rel,
                    key: commit.clone(),
                    commit: Some(commit),
                    dir: None,
                    worktree: None,
                    label: rev.clone(),
                }
            }
            Base::Dir(d) => {
                let dir = d.canonicalize().map_err(|e| Error::read(d, e))?;
                BaseTree {
                    repo,
                    rel,
                    key: format!("tree:{}", super::build::tree_hash(&dir)?),
                    commit: None,
                    dir: Some(dir),
                    worktree: None,
                    label: d.display().to_string(),
                }
            }
        })
    }

    /// The base commit, for a revision.
    pub fn commit(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    /// The base workspace on disk, checked out on first use.
    pub fn dir(&mut self) -> Result<PathBuf> {
        if let Some(d) = &self.dir {
            return Ok(d.clone());
        }
        let (Some(repo), Some(commit)) = (self.repo, self.commit.as_deref()) else {
            return Err(Error::Usage("the base has no tree".into()));
        };
        let wt = crate::git::checkout(repo, commit)?;
        let dir = wt.dir.join(&self.rel);
        self.worktree = Some(wt);
        self.dir = Some(dir.clone());
        Ok(dir)
    }

    /// The base's library members: from the cache, else from the tree.
    pub fn members(&mut self, cache: &Path) -> Result<BTreeMap<String, Member>> {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Cached {
            name: String,
            version: semver::Version,
        }
        let key = crate::model::fingerprint("members", &self.key, "", &self.rel.to_string_lossy());
        let file = cache.join(format!("members-{key}.json"));
        if let Some(list) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str::<Vec<Cached>>(&t).ok())
        {
            return Ok(list
                .into_iter()
                .map(|c| {
                    let m = Member {
                        name: c.name.clone(),
                        version: c.version,
                        manifest: PathBuf::new(),
                    };
                    (c.name, m)
                })
                .collect());
        }
        let found = members::library_members(&self.dir()?)?;
        let list: Vec<Cached> = found
            .values()
            .map(|m| Cached {
                name: m.name.clone(),
                version: m.version.clone(),
            })
            .collect();
        // A cache that cannot be written only costs the next run a look.
        let _ = std::fs::create_dir_all(cache);
        let _ = crate::atomic::write(
            &file,
            serde_json::to_string(&list).unwrap_or_default().as_bytes(),
        );
        Ok(found)
    }
}
