//! `--shard K/N`: a stable partition of a fleet by repository, so every
//! machine of a CI matrix or Kubernetes Indexed Job scans its part and
//! `fleet merge` puts the parts back together. A repository's units stay in
//! one shard (its SARIF file needs them all); the partition hashes the
//! repository's path relative to its root with FNV-1a, which never changes
//! between releases or machines. `--shard auto` reads the engine's own
//! variables.

use crate::error::{Error, Result};

/// Most shards a fleet may be split into.
pub const MAX_SHARDS: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

fn number(what: &str, s: &str) -> Result<u32> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| usage(format!("{what}: `{s}` is not a whole number")))
}

impl Shard {
    /// Parses `K/N` or `auto`; `env` looks a variable up (the process
    /// environment in the binary), `count` is `--shard-count`.
    pub fn parse(
        spec: &str,
        count: Option<u32>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Shard> {
        let shard = if spec == "auto" {
            Shard::auto(count, env)?
        } else {
            let (k, n) = spec
                .split_once('/')
                .ok_or_else(|| usage(format!("--shard {spec}: expected K/N (1-based) or auto")))?;
            Shard {
                index: number("--shard", k)?,
                count: number("--shard", n)?,
            }
        };
        shard.validate()
    }

    fn auto(count: Option<u32>, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
        if let Some(i) = env("JOB_COMPLETION_INDEX") {
            let total = match count {
                Some(n) => n,
                None => match env("DEPGATE_SHARD_COUNT") {
                    Some(n) => number("DEPGATE_SHARD_COUNT", &n)?,
                    None => {
                        return Err(usage(
                            "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is not: pass --shard-count N or set DEPGATE_SHARD_COUNT to the Job's completions".into(),
                        ));
                    }
                },
            };
            let index = number("JOB_COMPLETION_INDEX", &i)?;
            return Ok(Shard {
                index: index.saturating_add(1),
                count: total,
            });
        }
        if let (Some(i), Some(n)) = (env("CI_NODE_INDEX"), env("CI_NODE_TOTAL")) {
            return Ok(Shard {
                index: number("CI_NODE_INDEX", &i)?,
                count: number("CI_NODE_TOTAL", &n)?,
            });
        }
        Err(usage(
            "--shard auto: found neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:); on GitHub Actions pass the matrix value: --shard ${{ matrix.shard }}/N".into(),
        ))
    }

    fn validate(self) -> Result<Shard> {
        if self.count == 0 || self.count > MAX_SHARDS || self.index == 0 || self.index > self.count
        {
            return Err(usage(format!(
                "--shard {}/{}: K must be 1 to N and N 1 to {MAX_SHARDS}",
                self.index, self.count
            )));
        }
        Ok(self)
    }

    /// Whether the repository with this shard key belongs to this shard.
    pub fn contains(&self, key: &str) -> bool {
        fnv1a(key.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// 64-bit FNV-1a: small, fixed and the same everywhere.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn explicit_and_auto() {
        let none = vars(&[]);
        assert_eq!(
            Shard::parse("2/3", None, &none).unwrap(),
            Shard { index: 2, count: 3 }
        );
        assert!(Shard::parse("0/3", None, &none).is_err());
        assert!(Shard::parse("4/3", None, &none).is_err());
        assert!(Shard::parse("x", None, &none).is_err());
        assert!(Shard::parse("auto", None, &none).is_err());
        let k8s = vars(&[("JOB_COMPLETION_INDEX", "0"), ("DEPGATE_SHARD_COUNT", "4")]);
        assert_eq!(
            Shard::parse("auto", None, &k8s).unwrap(),
            Shard { index: 1, count: 4 }
        );
        assert_eq!(
            Shard::parse("auto", Some(2), &k8s).unwrap(),
            Shard { index: 1, count: 2 }
        );
        assert!(Shard::parse("auto", None, &vars(&[("JOB_COMPLETION_INDEX", "0")])).is_err());
        let gitlab = vars(&[("CI_NODE_INDEX", "3"), ("CI_NODE_TOTAL", "3")]);
        assert_eq!(
            Shard::parse("auto", None, &gitlab).unwrap(),
            Shard { index: 3, count: 3 }
        );
    }

    #[test]
    fn a_partition_covers_every_key_once() {
        for n in [1, 3, 7] {
            for key in ["a", "repos/b", ".", "x/y/z"] {
                let owners = (1..=n)
                    .filter(|&k| Shard { index: k, count: n }.contains(key))
                    .count();
                assert_eq!(owners, 1);
            }
        }
        // Fixed values: the partition never changes between releases.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
