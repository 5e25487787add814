//! Every change between two public APIs, classified by the bump it needs:
//! removals, signature and type changes, added bounds, exhaustiveness,
//! trait items, auto traits; additions and new deprecations are minor.

use super::api::{self, Api, Entry, Target};
use super::types::Render;
use crate::model::api::{ApiChange, Bump, Section};
use rustdoc_types::{Item, ItemEnum, StructKind, VariantKind};
use std::collections::BTreeSet;

/// One side of the comparison.
pub struct Side<'a> {
    pub api: &'a Api<'a>,
    pub render: Render<'a>,
}

impl<'a> Side<'a> {
    pub fn new(api: &'a Api<'a>) -> Side<'a> {
        Side {
            api,
            render: Render {
                krate: api.krate,
                names: &api.names,
            },
        }
    }

    fn item(&self, e: &Entry) -> Option<&'a Item> {
        match &e.target {
            Target::Item(id) => self.api.krate.index.get(id),
            Target::External(_) => None,
        }
    }

    /// The item as one line: its kind and signature.
    pub fn describe(&self, e: &Entry) -> String {
        let Some(item) = self.item(e) else {
            return match &e.target {
                Target::External(s) => format!("pub use {s}"),
                Target::Item(_) => "item".into(),
            };
        };
        let r = &self.render;
        match &item.inner {
            ItemEnum::Function(f) => {
                let g = r.generics(&f.generics);
                let bounds = if g.bounds.is_empty() {
                    String::new()
                } else {
                    format!(
                        " where {}",
                        g.bounds.iter().cloned().collect::<Vec<_>>().join(", ")
                    )
                };
                let params = if g.params.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", g.params.join(", "))
                };
                format!(
                    "{}fn{params}{}{bounds}",
                    super::types::header(&f.header),
                    r.sig(&f.sig)
                )
            }
            ItemEnum::StructField(t) => format!("field: {}", r.ty(t)),
            ItemEnum::Constant { type_, .. } | ItemEnum::AssocConst { type_, .. } => {
                format!("const: {}", r.ty(type_))
            }
            ItemEnum::Static(s) => format!(
                "static{}: {}",
                if s.is_mutable { " mut" } else { "" },
                r.ty(&s.type_)
            ),
            ItemEnum::TypeAlias(t) => format!("type = {}", r.ty(&t.type_)),
            other => kind(other).to_string(),
        }
    }

    fn location(&self, e: &Entry) -> (Option<String>, u32) {
        match self.item(e).and_then(|i| i.span.as_ref()) {
            Some(s) => (
                Some(s.filename.to_string_lossy().replace('\\', "/")),
                s.begin.0 as u32,
            ),
            None => (None, 0),
        }
    }
}

pub fn kind(inner: &ItemEnum) -> &'static str {
    match inner {
        ItemEnum::Module(_) => "mod",
        ItemEnum::Struct(_) => "struct",
        ItemEnum::Union(_) => "union",
        ItemEnum::Enum(_) => "enum",
        ItemEnum::Variant(_) => "variant",
        ItemEnum::Function(_) => "fn",
        ItemEnum::Trait(_) => "trait",
        ItemEnum::TraitAlias(_) => "trait alias",
        ItemEnum::TypeAlias(_) => "type",
        ItemEnum::Constant { .. } | ItemEnum::AssocConst { .. } => "const",
        ItemEnum::Static(_) => "static",
        ItemEnum::StructField(_) => "field",
        ItemEnum::Macro(_) | ItemEnum::ProcMacro(_) => "macro",
        ItemEnum::AssocType { .. } => "associated type",
        _ => "item",
    }
}

/// The changes from `base` to `head`, sorted by path.
pub fn diff(base: &Side<'_>, head: &Side<'_>) -> Vec<ApiChange> {
    let mut out = Vec::new();
    for (path, b) in &base.api.paths {
        match head.api.paths.get(path) {
            None => out.push(removed(base, head, path, b)),
            Some(h) => compare(base, head, path, b, h, &mut out),
        }
    }
    for (path, h) in &head.api.paths {
        if !base.api.paths.contains_key(path) {
            out.push(added(base, head, path, h));
        }
    }
    out.sort();
    out
}

fn change(path: &str, kind: &'static str, bump: Bump, section: Section) -> ApiChange {
    ApiChange {
        path: path.to_string(),
        kind,
        section,
        bump,
        base: None,
        head: None,
        file: None,
        line: 0,
        deprecated: None,
    }
}

fn removed(base: &Side<'_>, head: &Side<'_>, path: &str, b: &Entry) -> ApiChange {
    let item = base.item(b);
    // Still defined at its place, but no longer public.
    let hidden_now = item
        .and_then(|i| base.api.krate.paths.get(&i.id))
        .is_some_and(|s| {
            head.api
                .krate
                .paths
                .values()
                .any(|h| h.path == s.path && h.kind == s.kind)
                && !head.api.names.values().any(|n| n.as_str() == path)
        });
    let kind = if hidden_now {
        "visibility-reduced"
    } else {
        "removed"
    };
    let mut c = change(path, kind, Bump::Major, Section::Removed);
    c.base = Some(base.describe(b));
    (c.file, c.line) = base.location(b);
    c.deprecated = item
        .and_then(|i| i.deprecation.as_ref())
        .map(|d| (d.since.clone(), d.note.clone()));
    c
}

fn added(base: &Side<'_>, head: &Side<'_>, path: &str, h: &Entry) -> ApiChange {
    let head_parent = h.parent.as_ref().and_then(|p| head.api.krate.index.get(p));
    // The parent as it was at the base, found by its path.
    let parent_path = path.rsplit_once("::").map(|(p, _)| p).unwrap_or_default();
    let base_parent = base.api.paths.get(parent_path).and_then(|e| base.item(e));
    let item = head.item(h);
    let (kind, bump) = match (
        item.map(|i| &i.inner),
        head_parent.map(|p| &p.inner),
        base_parent,
    ) {
        (Some(ItemEnum::Variant(_)), Some(ItemEnum::Enum(_)), Some(bp))
            if !api::non_exhaustive(bp) =>
        {
            ("variant-added", Bump::Major)
        }
        (Some(ItemEnum::StructField(_)), Some(ItemEnum::Struct(_)), Some(bp))
            if api::constructible(base.api.krate, bp) =>
        {
            ("field-added", Bump::Major)
        }
        (Some(inner), Some(ItemEnum::Trait(_)), Some(bp))
            if required(inner) && !sealed(base, bp) =>
        {
            ("trait-item-added", Bump::Major)
        }
        _ => ("added", Bump::Minor),
    };
    let mut c = change(
        path,
        kind,
        bump,
        if bump == Bump::Major {
            Section::Changed
        } else {
            Section::Added
        },
    );
    c.head = Some(head.describe(h));
    (c.file, c.line) = head.location(h);
    c.deprecated = item
        .and_then(|i| i.deprecation.as_ref())
        .map(|d| (d.since.clone(), d.note.clone()));
    c
}

/// A trait item that implementors must write.
fn required(inner: &ItemEnum) -> bool {
    match inner {
        ItemEnum::Function(f) => !f.has_body,
        ItemEnum::AssocConst { value, .. } => value.is_none(),
        ItemEnum::AssocType { type_, .. } => type_.is_none(),
        _ => false,
    }
}

/// A trait with a supertrait outsiders cannot name: nobody else implements it.
fn sealed(side: &Side<'_>, trait_item: &Item) -> bool {
    let ItemEnum::Trait(t) = &trait_item.inner else {
        return false;
    };
    t.bounds.iter().any(|b| match b {
        rustdoc_types::GenericBound::TraitBound { trait_, .. } => {
            side.api.krate.index.contains_key(&trait_.id)
                && !side.api.names.contains_key(&trait_.id)
        }
        _ => false,
    })
}

/// The auto traits (`Send`, `Sync`, `Unpin`, ...) an item implements.
fn auto_traits(side: &Side<'_>, item: &Item) -> BTreeSet<String> {
    let impls = match &item.inner {
        ItemEnum::Struct(s) => &s.impls,
        ItemEnum::Enum(e) => &e.impls,
        ItemEnum::Union(u) => &u.impls,
        _ => return BTreeSet::new(),
    };
    impls
        .iter()
        .filter_map(|i| match side.api.krate.index.get(i).map(|x| &x.inner) {
            Some(ItemEnum::Impl(imp)) if imp.is_synthetic && !imp.is_negative => imp
                .trait_
                .as_ref()
                .map(|t| t.path.rsplit("::").next().unwrap_or(&t.path).to_string()),
            _ => None,
        })
        .collect()
}

/// The changes to one item present at both revisions.
fn compare(
    base: &Side<'_>,
    head: &Side<'_>,
    path: &str,
    b: &Entry,
    h: &Entry,
    out: &mut Vec<ApiChange>,
) {
    let (Some(bi), Some(hi)) = (base.item(b), head.item(h)) else {
        return;
    };
    let mut push = |kind: &'static str, bump: Bump, section: Section| {
        let mut c = change(path, kind, bump, section);
        c.base = Some(base.describe(b));
        c.head = Some(head.describe(h));
        (c.file, c.line) = head.location(h);
        out.push(c);
    };
    if kind(&bi.inner) != kind(&hi.inner) {
        push("kind-changed", Bump::Major, Section::Changed);
        return;
    }
    for k in super::compare::item(base, head, bi, hi) {
        push(k, Bump::Major, Section::Changed);
    }
    if !api::non_exhaustive(bi) && api::non_exhaustive(hi) {
        push("non-exhaustive-added", Bump::Major, Section::Changed);
    }
    let lost: Vec<String> = auto_traits(base, bi)
        .difference(&auto_traits(head, hi))
        .cloned()
        .collect();
    if !lost.is_empty() {
        push("auto-trait-lost", Bump::Major, Section::Changed);
    }
    if let (None, Some(d)) = (&bi.deprecation, &hi.deprecation) {
        let mut c = change(path, "deprecated", Bump::Minor, Section::Deprecated);
        c.base = Some(base.describe(b));
        c.head = Some(head.describe(h));
        (c.file, c.line) = head.location(h);
        c.deprecated = Some((d.since.clone(), d.note.clone()));
        out.push(c);
    }
}

/// Whether a struct or variant kind changed shape (plain, tuple, unit).
pub fn shape_changed(b: &ItemEnum, h: &ItemEnum) -> bool {
    match (b, h) {
        (ItemEnum::Struct(b), ItemEnum::Struct(h)) => {
            std::mem::discriminant(&b.kind) != std::mem::discriminant(&h.kind)
                || matches!((&b.kind, &h.kind), (StructKind::Tuple(x), StructKind::Tuple(y)) if x.len() != y.len())
        }
        (ItemEnum::Variant(b), ItemEnum::Variant(h)) => {
            std::mem::discriminant(&b.kind) != std::mem::discriminant(&h.kind)
                || matches!((&b.kind, &h.kind), (VariantKind::Tuple(x), VariantKind::Tuple(y)) if x.len() != y.len())
        }
        _ => false,
    }
}
