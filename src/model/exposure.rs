//! How a package reaches the built artifact, and which loader built the
//! graph: the two graph facts that findings and reports carry.

use serde::Serialize;

/// A package is `normal` when some path from a workspace member uses only
/// active normal edges; otherwise `build-only` when some path avoids dev
/// edges; otherwise `dev-only`; otherwise `inactive-target`. Lockfile mode
/// cannot tell and says `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    Normal,
    BuildOnly,
    DevOnly,
    InactiveTarget,
    Unknown,
}

impl Exposure {
    pub fn as_str(self) -> &'static str {
        match self {
            Exposure::Normal => "normal",
            Exposure::BuildOnly => "build-only",
            Exposure::DevOnly => "dev-only",
            Exposure::InactiveTarget => "inactive-target",
            Exposure::Unknown => "unknown",
        }
    }
}

/// Which loader built the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Metadata,
    LockfileOnly,
    /// A CycloneDX SBOM (`check --sbom`).
    Sbom,
    /// The dependency lists cargo-auditable embeds in binaries (`artifact`).
    Artifact,
    /// Release files against a manifest, signatures and provenance (`verify`): no graph.
    Release,
    /// Library APIs at two revisions (`semver`): no graph.
    Semver,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Metadata => "metadata",
            Mode::LockfileOnly => "lockfile-only",
            Mode::Sbom => "sbom",
            Mode::Artifact => "artifact",
            Mode::Release => "release",
            Mode::Semver => "semver",
        }
    }

    /// Whether the graph source records license expressions (cargo
    /// metadata, an SBOM); a Cargo.lock and audit data do not.
    pub fn has_license_data(self) -> bool {
        matches!(self, Mode::Metadata | Mode::Sbom)
    }
}

/// The report's account of where license fields came from.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct LicenseData {
    /// `metadata`, `none` (a Cargo.lock alone) or `cargo-cache`.
    pub source: &'static str,
    /// With `cargo-cache`: `name version` of the packages found, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub found: Vec<String>,
    /// With `cargo-cache`: `name version` of the packages not found, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

impl LicenseData {
    pub fn for_mode(mode: Mode) -> LicenseData {
        LicenseData {
            source: match mode {
                Mode::Metadata => "metadata",
                Mode::Sbom => "sbom",
                Mode::LockfileOnly | Mode::Artifact | Mode::Release | Mode::Semver => "none",
            },
            ..LicenseData::default()
        }
    }
}
