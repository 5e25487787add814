//! Artifacts family: what ships. `sbom-component-unidentified` is found in
//! the graph an SBOM gave (`check --sbom`); the `artifact-*` rules are
//! found by `depgate verify` (the `release` module) and go through the same
//! decide stage. The family owns no policy table: levels and waivers work
//! as for every rule.

use super::{Check, Family, ScanContext};
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;

crate::rule!(
    SBOM_COMPONENT_UNIDENTIFIED,
    "sbom-component-unidentified",
    "SbomComponentUnidentified",
    "artifacts",
    Deny,
    false,
    "An SBOM component names no Cargo package (no cargo purl, or no version), so it cannot be checked."
);
crate::rule!(
    ARTIFACT_DIGEST_MISMATCH,
    "artifact-digest-mismatch",
    "ArtifactDigestMismatch",
    "artifacts",
    Deny,
    true,
    "A release file's SHA-256 differs from the one its manifest records."
);
crate::rule!(
    ARTIFACT_MISSING,
    "artifact-missing",
    "ArtifactMissing",
    "artifacts",
    Deny,
    false,
    "A file the release manifest lists is not there."
);
crate::rule!(
    ARTIFACT_UNLISTED,
    "artifact-unlisted",
    "ArtifactUnlisted",
    "artifacts",
    Warn,
    true,
    "A file in the release directory is not in its manifest."
);
crate::rule!(
    ARTIFACT_UNSIGNED,
    "artifact-unsigned",
    "ArtifactUnsigned",
    "artifacts",
    Deny,
    true,
    "A release file has no minisign signature beside it."
);
crate::rule!(
    ARTIFACT_SIGNATURE_INVALID,
    "artifact-signature-invalid",
    "ArtifactSignatureInvalid",
    "artifacts",
    Deny,
    true,
    "A release file's signature does not verify with the trusted public key."
);
crate::rule!(
    ARTIFACT_PROVENANCE_MISSING,
    "artifact-provenance-missing",
    "ArtifactProvenanceMissing",
    "artifacts",
    Deny,
    true,
    "A release file's SHA-256 is not a subject of the provenance statement."
);

pub const FAMILY: Family = Family::new::<Artifacts>("artifacts", RULES, &[]);

/// The rules `depgate verify` reports (all but the first); their waivers
/// are the ones it applies.
pub const RELEASE_RULES: &[&Rule] = RULES.split_at(1).1;

const RULES: &[&Rule] = &[
    &SBOM_COMPONENT_UNIDENTIFIED,
    &ARTIFACT_DIGEST_MISMATCH,
    &ARTIFACT_MISSING,
    &ARTIFACT_UNLISTED,
    &ARTIFACT_UNSIGNED,
    &ARTIFACT_SIGNATURE_INVALID,
    &ARTIFACT_PROVENANCE_MISSING,
];

pub struct Artifacts;

impl Check for Artifacts {
    type Config = ();

    fn config(_root: &Reader<'_>) {}

    fn check(ctx: &ScanContext<'_>, _cfg: &(), out: &mut Vec<Finding>) {
        for u in &ctx.graph.unidentified {
            let mut f = Finding::new(
                &SBOM_COMPONENT_UNIDENTIFIED,
                &ctx.workspace,
                &u.name,
                &u.at.label,
                format!(
                    "SBOM component {} at `{}` cannot be checked: {}",
                    if u.name.is_empty() {
                        "(unnamed)".to_string()
                    } else {
                        format!("`{}`", u.name)
                    },
                    u.at.label,
                    u.why
                ),
                vec![u.at.clone()],
            );
            f.fix = Some(
                "regenerate the SBOM with a tool that writes `pkg:cargo/NAME@VERSION` purls, or waive the component".into(),
            );
            out.push(f);
        }
    }
}
