//! Sources family: where packages come from. Registries must be on the
//! allow-list, git dependencies must be pinned to a `rev` (or are denied
//! outright), and path dependencies must stay inside the workspace.

use super::{Check, Family, ScanContext};
use crate::graph::{GitReference, Package, Source};
use crate::model::{Finding, Level, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty, Unset};
use petgraph::graph::NodeIndex;

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

pub const FAMILY: Family = Family::new::<Sources>("sources", RULES, TOP);

const RULES: &[&Rule] = &[
    &REGISTRY_NOT_ALLOWED,
    &GIT_UNPINNED,
    &GIT_DENIED,
    &PATH_OUTSIDE_WORKSPACE,
];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "sources",
    Ty::Table(FIELDS),
    "where packages may come from",
)];

const FIELDS: &[Field] = &[
    Field::new(
        "allow-registries",
        Ty::StrList,
        "allowed registries: `crates-io` or index URLs",
    )
    .looser(Looser::Added {
        label: "allow-registries",
        unset: Unset::Default(&["crates-io"]),
    }),
    Field::new(
        "git",
        Ty::OneOf(&["deny", "require-rev", "allow"]),
        "git dependencies: deny them, require a `rev`, or allow any",
    )
    .option_default("require-rev"),
    Field::new(
        "allow-git",
        Ty::StrList,
        "git repository URL prefixes exempt from `git`",
    )
    .looser(Looser::Added {
        label: "allow-git",
        unset: Unset::Empty,
    }),
    Field::new(
        "unknown-registry",
        Ty::Level,
        "level of source-registry-not-allowed",
    ),
    Field::new(
        "path-outside-workspace",
        Ty::Level,
        "level of source-path-outside-workspace",
    )
    .level_default(Level::Warn),
    EXPOSURE,
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
    pub unknown_registry: Level,
    pub path_outside_workspace: Level,
}

impl Config {
    fn registry_allowed(&self, source: &Source) -> bool {
        match source {
            Source::CratesIo { .. } => self.allow_registries.iter().any(|r| r == "crates-io"),
            Source::Registry { url, .. } => {
                let url = normalize(url);
                self.allow_registries.iter().any(|r| normalize(r) == url)
            }
            // A source kind depgate does not know is allowed only by name.
            Source::Other { raw } => self.allow_registries.iter().any(|r| r == raw),
            _ => true,
        }
    }
}

pub struct Sources;

impl Check for Sources {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let t = root.table("sources");
        Config {
            allow_registries: t.list_or_default("allow-registries"),
            git: match t.option("git") {
                Some("deny") => GitPolicy::Deny,
                Some("allow") => GitPolicy::Allow,
                _ => GitPolicy::RequireRev,
            },
            allow_git: t.list_or_default("allow-git"),
            unknown_registry: t.level_or_default("unknown-registry"),
            path_outside_workspace: t.level_or_default("path-outside-workspace"),
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        for (ix, pkg) in ctx.graph.packages() {
            let finding = match &pkg.source {
                Source::CratesIo { .. } | Source::Registry { .. } | Source::Other { .. } => {
                    registry(ctx, cfg, ix, pkg)
                }
                Source::Git {
                    url,
                    reference,
                    commit,
                    ..
                } => git(ctx, cfg, ix, pkg, url, reference, commit.as_deref()),
                Source::Path if !pkg.is_member => path(ctx, cfg, ix, pkg),
                _ => None,
            };
            out.extend(finding);
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

fn registry(ctx: &ScanContext<'_>, cfg: &Config, ix: NodeIndex, pkg: &Package) -> Option<Finding> {
    if cfg.registry_allowed(&pkg.source) {
        return None;
    }
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
    f.level = cfg.unknown_registry;
    f.fix = Some(format!(
        "depend on `{}` from an allowed registry, or add `{registry}` to `sources.allow-registries`",
        pkg.name
    ));
    Some(f)
}

fn git(
    ctx: &ScanContext<'_>,
    cfg: &Config,
    ix: NodeIndex,
    pkg: &Package,
    url: &str,
    reference: &GitReference,
    commit: Option<&str>,
) -> Option<Finding> {
    if cfg.allow_git.iter().any(|p| url.starts_with(p.as_str())) {
        return None;
    }
    let pin = commit.unwrap_or("<commit>");
    match (cfg.git, reference) {
        (GitPolicy::Deny, _) => {
            let mut f = ctx.package_finding(
                &GIT_DENIED,
                ix,
                url,
                format!(
                    "`{} {}` comes from git repository `{url}`, and git sources are denied",
                    pkg.name, pkg.version
                ),
            );
            f.fix = Some(format!(
                "depend on a published release of `{}`, or add `{url}` to `sources.allow-git`",
                pkg.name
            ));
            Some(f)
        }
        (GitPolicy::RequireRev, GitReference::Rev(_)) | (GitPolicy::Allow, _) => None,
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
            Some(f)
        }
    }
}

fn path(ctx: &ScanContext<'_>, cfg: &Config, ix: NodeIndex, pkg: &Package) -> Option<Finding> {
    let g = ctx.graph;
    let manifest = pkg.manifest_path.as_ref()?;
    if manifest.starts_with(&g.workspace_root) {
        return None;
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
    f.level = cfg.path_outside_workspace;
    f.fix = Some(format!(
        "move `{}` into the workspace, or depend on a published version",
        pkg.name
    ));
    Some(f)
}
