//! A Rust release number as policies and toolchain files write it.

/// `1.82` → 1.82.0; `1.82.1` as is; anything else → `None`.
pub fn channel_version(channel: &str) -> Option<semver::Version> {
    let parts: Vec<&str> = channel.split('.').collect();
    match parts.as_slice() {
        [a, b] => Some(semver::Version::new(a.parse().ok()?, b.parse().ok()?, 0)),
        [a, b, c] => Some(semver::Version::new(
            a.parse().ok()?,
            b.parse().ok()?,
            c.parse().ok()?,
        )),
        _ => None,
    }
}
