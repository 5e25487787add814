//! A crate's public API from its rustdoc JSON: every importable path, from
//! the crate root through public modules, `pub use` re-exports and glob
//! re-exports, with the fields, variants, trait items and inherent methods
//! under them. Items of private modules count only where re-exported;
//! `#[doc(hidden)]` items only when deprecated. An item reachable at
//! several paths is listed at each, and named by its shortest one.

use rustdoc_types::{Attribute, Crate, Id, Item, ItemEnum, StructKind, VariantKind, Visibility};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Item(Id),
    /// A re-export of another crate's item (`pub use serde::Serialize`).
    External(String),
}

/// One importable path.
#[derive(Debug, Clone)]
pub struct Entry {
    pub target: Target,
    /// The enum, struct, union or trait a member path belongs to.
    pub parent: Option<Id>,
}

/// The public API of one crate.
pub struct Api<'a> {
    pub krate: &'a Crate,
    pub paths: BTreeMap<String, Entry>,
    /// The shortest public path of each item.
    pub names: HashMap<Id, String>,
}

const MAX_DEPTH: usize = 24;

pub fn hidden(item: &Item) -> bool {
    item.attrs
        .iter()
        .any(|a| matches!(a, Attribute::Other(s) if s.replace(' ', "").contains("doc(hidden)")))
}

pub fn non_exhaustive(item: &Item) -> bool {
    item.attrs
        .iter()
        .any(|a| matches!(a, Attribute::NonExhaustive))
}

fn public(item: &Item) -> bool {
    matches!(item.visibility, Visibility::Public)
}

struct Walk<'a> {
    krate: &'a Crate,
    paths: BTreeMap<String, Entry>,
    names: HashMap<Id, String>,
    seen: HashSet<(Id, String)>,
}

/// The public API of `krate`.
pub fn public_api(krate: &Crate) -> Api<'_> {
    let mut w = Walk {
        krate,
        paths: BTreeMap::new(),
        names: HashMap::new(),
        seen: HashSet::new(),
    };
    let root = krate.index.get(&krate.root);
    let name = root.and_then(|r| r.name.clone()).unwrap_or_default();
    w.module(&krate.root, &name, 0);
    Api {
        krate,
        paths: w.paths,
        names: w.names,
    }
}

/// Shorter paths first, then alphabetical.
fn shorter(a: &str, b: &str) -> bool {
    (a.matches("::").count(), a) < (b.matches("::").count(), b)
}

impl Walk<'_> {
    fn insert(&mut self, path: String, target: Target, parent: Option<Id>) {
        if let Target::Item(id) = &target {
            let better = self.names.get(id).is_none_or(|n| shorter(&path, n));
            if better {
                self.names.insert(*id, path.clone());
            }
        }
        self.paths.entry(path).or_insert(Entry { target, parent });
    }

    fn module(&mut self, id: &Id, prefix: &str, depth: usize) {
        if depth > MAX_DEPTH || !self.seen.insert((*id, prefix.to_string())) {
            return;
        }
        let Some(ItemEnum::Module(m)) = self.krate.index.get(id).map(|i| &i.inner) else {
            return;
        };
        for child in &m.items {
            let Some(item) = self.krate.index.get(child) else {
                continue;
            };
            if !public(item) {
                continue;
            }
            match &item.inner {
                ItemEnum::Use(u) => self.reexport(u, prefix, depth),
                ItemEnum::Impl(_) => {}
                _ => {
                    if let Some(name) = &item.name {
                        self.item(child, &format!("{prefix}::{name}"), depth);
                    }
                }
            }
        }
    }

    fn reexport(&mut self, u: &rustdoc_types::Use, prefix: &str, depth: usize) {
        let target =
            u.id.as_ref()
                .and_then(|t| self.krate.index.get(t).map(|i| (t, i)));
        match (u.is_glob, target) {
            (true, Some((t, item))) => match &item.inner {
                ItemEnum::Module(_) => self.module(t, prefix, depth + 1),
                ItemEnum::Enum(e) => {
                    for v in &e.variants {
                        if let Some(name) = self.krate.index.get(v).and_then(|i| i.name.clone()) {
                            self.item(v, &format!("{prefix}::{name}"), depth);
                        }
                    }
                }
                _ => {}
            },
            (false, Some((t, _))) => self.item(t, &format!("{prefix}::{}", u.name), depth),
            (false, None) => self.insert(
                format!("{prefix}::{}", u.name),
                Target::External(u.source.clone()),
                None,
            ),
            (true, None) => {}
        }
    }

    fn item(&mut self, id: &Id, path: &str, depth: usize) {
        let Some(item) = self.krate.index.get(id) else {
            return;
        };
        if hidden(item) && item.deprecation.is_none() {
            return;
        }
        if let ItemEnum::Module(_) = item.inner {
            self.insert(path.to_string(), Target::Item(*id), None);
            self.module(id, path, depth + 1);
            return;
        }
        self.insert(path.to_string(), Target::Item(*id), None);
        self.members(id, item, path);
    }

    /// Fields, variants, trait items and inherent associated items.
    fn members(&mut self, id: &Id, item: &Item, path: &str) {
        let mut ids: Vec<Id> = Vec::new();
        let mut impls: &[Id] = &[];
        match &item.inner {
            ItemEnum::Struct(s) => {
                impls = &s.impls;
                match &s.kind {
                    StructKind::Plain { fields, .. } => ids.extend(fields),
                    StructKind::Tuple(fields) => {
                        for (i, f) in fields.iter().enumerate() {
                            if let Some(f) = f.as_ref().filter(|f| self.is_public(f)) {
                                self.insert(format!("{path}::{i}"), Target::Item(*f), Some(*id));
                            }
                        }
                    }
                    StructKind::Unit => {}
                }
            }
            ItemEnum::Union(u) => {
                impls = &u.impls;
                ids.extend(&u.fields);
            }
            ItemEnum::Enum(e) => {
                impls = &e.impls;
                ids.extend(&e.variants);
            }
            ItemEnum::Trait(t) => ids.extend(&t.items),
            _ => return,
        }
        let is_enum_or_trait = matches!(item.inner, ItemEnum::Enum(_) | ItemEnum::Trait(_));
        for member in ids {
            let Some(m) = self.krate.index.get(&member) else {
                continue;
            };
            // Variants and trait items are as public as their parent.
            if (is_enum_or_trait || public(m)) && !(hidden(m) && m.deprecation.is_none()) {
                if let Some(name) = &m.name {
                    self.insert(format!("{path}::{name}"), Target::Item(member), Some(*id));
                }
            }
        }
        for imp in impls {
            let Some(ItemEnum::Impl(i)) = self.krate.index.get(imp).map(|x| &x.inner) else {
                continue;
            };
            if i.trait_.is_some() {
                continue;
            }
            for a in &i.items {
                let Some(m) = self.krate.index.get(a) else {
                    continue;
                };
                if public(m) && !(hidden(m) && m.deprecation.is_none()) {
                    if let Some(name) = &m.name {
                        self.insert(format!("{path}::{name}"), Target::Item(*a), Some(*id));
                    }
                }
            }
        }
    }

    fn is_public(&self, id: &Id) -> bool {
        self.krate.index.get(id).is_some_and(public)
    }
}

/// Whether a struct can be built with a literal outside its crate: every
/// field public, and not `#[non_exhaustive]`.
pub fn constructible(krate: &Crate, item: &Item) -> bool {
    if non_exhaustive(item) {
        return false;
    }
    let public_id = |id: &Id| krate.index.get(id).is_some_and(public);
    match &item.inner {
        ItemEnum::Struct(s) => match &s.kind {
            StructKind::Plain {
                fields,
                has_stripped_fields,
            } => !has_stripped_fields && fields.iter().all(public_id),
            StructKind::Tuple(fields) => fields.iter().all(|f| f.as_ref().is_some_and(public_id)),
            StructKind::Unit => true,
        },
        ItemEnum::Variant(v) => match &v.kind {
            VariantKind::Struct {
                has_stripped_fields,
                ..
            } => !has_stripped_fields,
            _ => true,
        },
        _ => false,
    }
}
