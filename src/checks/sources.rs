//! Sources family: where packages come from. Registries must be on the
//! allow-list, git dependencies must be pinned to a `rev` (or are denied
//! outright), and path dependencies must stay inside the workspace.

use super::{Family, ScanContext, level_key};
use crate::finding::Finding;
use crate::graph::{GitReference, Source};
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty};
use crate::policy::tree::Node;

crate::rule!(
    REGISTRY_NOT_ALLOWED,
    "source-registry-not-allowed",
    "SourceRegistryNotAllowed",
    "sources",
    Deny,
    true,
    "A package comes from a registry that is not in `sources.allow-registries`."
);
crate::rule!(
    GIT_UNPINNED,
    "source-git-unpinned",
    "SourceGitUnpinned",
    "sources",
    Deny,
    true,
    "A git dependency follows a branch, tag or default branch instead of a fixed `rev`."
);
crate::rule!(
    GIT_DENIED,
    "source-git-denied",
    "SourceGitDenied",
    "sources",
    Deny,
    true,
    "A package comes from a git repository while `sources.git = \"deny\"`."
);
crate::rule!(
    PATH_OUTSIDE_WORKSPACE,
    "source-path-outside-workspace",
    "SourcePathOutsideWorkspace",
    "sources",
    Warn,
    false,
    "A path dependency points outside the workspace directory."
);

pub const FAMILY: Family = Family {
    name: "sources",
    policy: Some(Field::new(
        "sources",
        Ty::Table(FIELDS),
        "where packages may come from",
    )),
    check,
};

const FIELDS: &[Field] = &[
    Field::new(
        "allow-registries",
        Ty::StrList,
        "allowed registries: `crates-io` or index URLs",
    ),
    Field::new(
        "git",
        Ty::OneOf(&["deny", "require-rev", "allow"]),
        "git dependencies: deny them, require a `rev`, or allow any",
    ),
    Field::new(
        "allow-git",
        Ty::StrList,
        "git repository URL prefixes exempt from `git`",
    ),
    Field::new(
        "unknown-registry",
        Ty::Level,
        "level of source-registry-not-allowed",
    ),
    Field::new(
        "path-outside-workspace",
        Ty::Level,
        "level of source-path-outside-workspace",
    ),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitPolicy {
    Deny,
    RequireRev,
    Allow,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub allow_registries: Vec<String>,
    pub git: GitPolicy,
    pub allow_git: Vec<String>,
}

impl Config {
    pub fn from_tree(tree: &Node) -> Config {
        let t = tree.get("sources");
        let list = |k: &str| t.and_then(|t| t.get(k)).map(Node::str_list);
        Config {
            allow_registries: list("allow-registries").unwrap_or_else(|| vec!["crates-io".into()]),
            git: match t.and_then(|t| t.get("git")).and_then(Node::as_str) {
                Some("deny") => GitPolicy::Deny,
                Some("allow") => GitPolicy::Allow,
                _ => GitPolicy::RequireRev,
            },
            allow_git: list("allow-git").unwrap_or_default(),
        }
    }

    fn registry_allowed(&self, source: &Source) -> bool {
        match source {
            Source::CratesIo { .. } => self.allow_registries.iter().any(|r| r == "crates-io"),
            Source::Registry { url, .. } => {
                let url = normalize(url);
                self.allow_registries.iter().any(|r| normalize(r) == url)
            }
            _ => true,
        }
    }
}

fn normalize(url: &str) -> &str {
    let url = url
        .strip_prefix("registry+")
        .or_else(|| url.strip_prefix("sparse+"))
        .unwrap_or(url);
    url.trim_end_matches('/')
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let cfg = &ctx.policy.sources;
    let g = ctx.graph;
    for (ix, pkg) in g.packages() {
        match &pkg.source {
            Source::CratesIo { .. } | Source::Registry { .. }
                if !cfg.registry_allowed(&pkg.source) =>
            {
                let registry = pkg.source.short();
                let mut f = ctx.package_finding(
                    &REGISTRY_NOT_ALLOWED,
                    ix,
                    &registry,
                    format!(
                        "`{} {}` comes from registry `{registry}`, which is not allowed",
                        pkg.name, pkg.version
                    ),
                );
                f.level = level_key(
                    ctx.policy,
                    &["sources", "unknown-registry"],
                    REGISTRY_NOT_ALLOWED.default_level,
                );
                f.fix = Some(format!(
                    "depend on `{}` from an allowed registry, or add `{registry}` to `sources.allow-registries`",
                    pkg.name
                ));
                out.push(f);
            }
            Source::Git {
                url,
                reference,
                commit,
                ..
            } => {
                if cfg.allow_git.iter().any(|p| url.starts_with(p.as_str())) {
                    continue;
                }
                let pin = commit.as_deref().unwrap_or("<commit>");
                match (cfg.git, reference) {
                    (GitPolicy::Deny, _) => {
                        let mut f = ctx.package_finding(&GIT_DENIED, ix, url,
                            format!("`{} {}` comes from git repository `{url}`, and git sources are denied", pkg.name, pkg.version));
                        f.fix = Some(format!(
                            "depend on a published release of `{}`, or add `{url}` to `sources.allow-git`",
                            pkg.name
                        ));
                        out.push(f);
                    }
                    (GitPolicy::RequireRev, GitReference::Rev(_)) | (GitPolicy::Allow, _) => {}
                    (GitPolicy::RequireRev, r) => {
                        let how = match r {
                            GitReference::Branch(b) => format!("branch `{b}`"),
                            GitReference::Tag(t) => format!("tag `{t}` (tags can move)"),
                            _ => "the default branch".to_string(),
                        };
                        let mut f = ctx.package_finding(
                            &GIT_UNPINNED,
                            ix,
                            url,
                            format!(
                                "git dependency `{} {}` follows {how} of `{url}`, not a fixed rev",
                                pkg.name, pkg.version
                            ),
                        );
                        f.fix = Some(format!(
                            "pin it: `{} = {{ git = \"{url}\", rev = \"{pin}\" }}`",
                            pkg.name
                        ));
                        out.push(f);
                    }
                }
            }
            Source::Path if !pkg.is_member => {
                let Some(manifest) = &pkg.manifest_path else {
                    continue;
                };
                if manifest.starts_with(&g.workspace_root) {
                    continue;
                }
                let dir = manifest.parent().unwrap_or(manifest);
                let shown = crate::location::display_path(g.repo_root.as_deref(), dir);
                let mut f = ctx.package_finding(
                    &PATH_OUTSIDE_WORKSPACE,
                    ix,
                    &shown,
                    format!(
                        "path dependency `{}` lives at `{shown}`, outside the workspace",
                        pkg.name
                    ),
                );
                f.level = level_key(
                    ctx.policy,
                    &["sources", "path-outside-workspace"],
                    PATH_OUTSIDE_WORKSPACE.default_level,
                );
                f.fix = Some(format!(
                    "move `{}` into the workspace, or depend on a published version",
                    pkg.name
                ));
                out.push(f);
            }
            _ => {}
        }
    }
}
