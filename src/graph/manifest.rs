//! Finds where a dependency is declared in a Cargo.toml, so findings about
//! direct dependencies point at the real `name = ...` line. Looks in
//! `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
//! `[target.'cfg(..)'.*]` forms and `[workspace.dependencies]`.

use crate::location::{Location, SourceText};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const DEP_TABLES: [&str; 4] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
];

/// One `name = ...` entry in a dependency table.
#[derive(Debug, Clone)]
pub struct ManifestDep {
    /// The key as written (may be a rename).
    pub key: String,
    /// The real package name: `package = "..."` when renamed, else the key.
    pub package: String,
    /// Dotted table path, e.g. `target.'cfg(windows)'.dependencies`.
    pub table: String,
    pub line: u32,
    pub column: u32,
    /// Line of the version requirement string, when written.
    pub req_line: Option<(u32, u32, String)>,
}

/// A member manifest read from disk, with its dependency entries located.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub src: SourceText,
    pub deps: Vec<ManifestDep>,
    /// `[package] license` (else `license-file`): (key, line, column).
    pub license: Option<(&'static str, u32, u32)>,
}

impl Manifest {
    /// Parses a Cargo.toml; `None` when it is not valid TOML (cargo
    /// metadata would already have rejected it in metadata mode).
    pub fn parse(src: SourceText) -> Option<Manifest> {
        let root = DeTable::parse(&src.text).ok()?;
        let mut deps = Vec::new();
        let root = root.get_ref();
        for (key, value) in root.iter() {
            match key.get_ref().as_ref() {
                "target" => {
                    for (cfg, tables) in as_table(value).into_iter().flat_map(|t| t.iter()) {
                        let prefix = format!("target.'{}'", cfg.get_ref());
                        collect_tables(&src, &prefix, tables, &mut deps);
                    }
                }
                "workspace" => collect_tables(&src, "workspace", value, &mut deps),
                _ => {}
            }
        }
        collect_top(&src, root, "", &mut deps);
        deps.sort_by_key(|d| (d.line, d.column));
        let package = root.get("package").and_then(as_table);
        let license = ["license", "license-file"].into_iter().find_map(|k| {
            let (key, _) = package?.get_key_value(k)?;
            let (line, column) = src.line_col(key.span().start);
            Some((k, line, column))
        });
        Some(Manifest { src, deps, license })
    }

    /// The first declaration of package `name` (rename-aware).
    pub fn find(&self, name: &str) -> Option<&ManifestDep> {
        self.deps.iter().find(|d| d.package == name)
    }

    /// The `license` (else `license-file`) line of `[package]`.
    pub fn license_location(&self) -> Option<Location> {
        let (key, line, column) = self.license?;
        Some(Location {
            path: self.src.display.clone(),
            line,
            column,
            label: format!("`{key}` in the crate's manifest"),
        })
    }

    pub fn location(&self, dep: &ManifestDep, label: &str) -> Location {
        Location {
            path: self.src.display.clone(),
            line: dep.line,
            column: dep.column,
            label: label.to_string(),
        }
    }
}

fn as_table<'a, 'i>(v: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
    v.get_ref().as_table()
}

fn collect_tables(
    src: &SourceText,
    prefix: &str,
    value: &Spanned<DeValue<'_>>,
    out: &mut Vec<ManifestDep>,
) {
    if let Some(t) = as_table(value) {
        collect_top(src, t, prefix, out);
    }
}

fn collect_top(src: &SourceText, table: &DeTable<'_>, prefix: &str, out: &mut Vec<ManifestDep>) {
    for name in DEP_TABLES {
        let Some(deps) = table.get(name).and_then(as_table) else {
            continue;
        };
        let table_path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        for (key, value) in deps.iter() {
            let (line, column) = src.line_col(key.span().start);
            let spec = value.get_ref();
            let package = spec
                .get("package")
                .and_then(|p| p.get_ref().as_str())
                .unwrap_or(key.get_ref())
                .to_string();
            let req = match spec {
                DeValue::String(_) => Some(value),
                DeValue::Table(t) => t.get("version"),
                _ => None,
            };
            let req_line = req.and_then(|r| {
                let (l, c) = src.line_col(r.span().start);
                Some((l, c, r.get_ref().as_str()?.to_string()))
            });
            out.push(ManifestDep {
                key: key.get_ref().to_string(),
                package,
                table: table_path.clone(),
                line,
                column,
                req_line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dependency_lines_in_every_table() {
        let text = "[package]\nname = \"a\"\n\n[dependencies]\nserde = \"1\"\nmy-log = { package = \"log\", version = \"0.4\" }\n\n[target.'cfg(windows)'.dependencies]\nwinapi = \"0.3\"\n\n[dev-dependencies.tempfile]\nversion = \"3\"\n";
        let m = Manifest::parse(SourceText::new("Cargo.toml", text.into())).unwrap();
        let serde = m.find("serde").unwrap();
        assert_eq!((serde.line, serde.column), (5, 1));
        assert_eq!(serde.req_line.as_ref().map(|r| r.2.as_str()), Some("1"));
        assert_eq!(m.find("log").unwrap().line, 6);
        let w = m.find("winapi").unwrap();
        assert_eq!(
            (w.line, w.table.as_str()),
            (9, "target.'cfg(windows)'.dependencies")
        );
        assert_eq!(m.find("tempfile").unwrap().line, 11);
    }
}
