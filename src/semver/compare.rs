//! The breaking changes to one item present at both revisions, by its
//! kind: signatures, types, generics and bounds, shapes. Each is a change
//! class name (`parameter-type`, `added-bound`, ...) that needs a major bump.

use super::diff::{Side, shape_changed};
use super::types::GenericsText;
use rustdoc_types::{Generics, Item, ItemEnum};

fn generics(
    base: &Side<'_>,
    head: &Side<'_>,
    b: &Generics,
    h: &Generics,
    out: &mut Vec<&'static str>,
) {
    let (gb, gh): (GenericsText, GenericsText) = (base.render.generics(b), head.render.generics(h));
    if gb.params != gh.params {
        out.push("generics");
    }
    if gh.bounds.difference(&gb.bounds).next().is_some() {
        out.push("added-bound");
    }
}

/// A function's or method's header, parameters, return type and generics.
fn function(
    base: &Side<'_>,
    head: &Side<'_>,
    b: &rustdoc_types::Function,
    h: &rustdoc_types::Function,
    out: &mut Vec<&'static str>,
) {
    let (rb, rh) = (&base.render, &head.render);
    let (x, y) = (&b.header, &h.header);
    if !x.is_unsafe && y.is_unsafe {
        out.push("became-unsafe");
    }
    if x.is_async != y.is_async {
        out.push("async-changed");
    }
    if x.is_const && !y.is_const {
        out.push("const-removed");
    }
    if x.abi != y.abi {
        out.push("abi-changed");
    }
    if b.sig.inputs.len() != h.sig.inputs.len() {
        out.push("parameter-count");
    } else if b
        .sig
        .inputs
        .iter()
        .zip(&h.sig.inputs)
        .any(|((_, p), (_, q))| rb.ty(p) != rh.ty(q))
    {
        out.push("parameter-type");
    }
    let ret =
        |r: &super::types::Render<'_>, t: &Option<rustdoc_types::Type>| t.as_ref().map(|t| r.ty(t));
    if ret(rb, &b.sig.output) != ret(rh, &h.sig.output) {
        out.push("return-type");
    }
    generics(base, head, &b.generics, &h.generics, out);
}

/// The change classes between `bi` (base) and `hi` (head), of one kind.
pub fn item(base: &Side<'_>, head: &Side<'_>, bi: &Item, hi: &Item) -> Vec<&'static str> {
    let mut out = Vec::new();
    let (rb, rh) = (&base.render, &head.render);
    match (&bi.inner, &hi.inner) {
        (ItemEnum::Function(b), ItemEnum::Function(h)) => function(base, head, b, h, &mut out),
        (ItemEnum::StructField(b), ItemEnum::StructField(h)) if rb.ty(b) != rh.ty(h) => {
            out.push("field-type");
        }
        (ItemEnum::Constant { type_: b, .. }, ItemEnum::Constant { type_: h, .. })
        | (ItemEnum::AssocConst { type_: b, .. }, ItemEnum::AssocConst { type_: h, .. })
            if rb.ty(b) != rh.ty(h) =>
        {
            out.push("const-type");
        }
        (ItemEnum::Static(b), ItemEnum::Static(h))
            if (rb.ty(&b.type_) != rh.ty(&h.type_) || b.is_mutable != h.is_mutable) =>
        {
            out.push("static-type");
        }
        (ItemEnum::TypeAlias(b), ItemEnum::TypeAlias(h)) => {
            if rb.ty(&b.type_) != rh.ty(&h.type_) {
                out.push("type-alias-changed");
            }
            generics(base, head, &b.generics, &h.generics, &mut out);
        }
        (ItemEnum::Struct(b), ItemEnum::Struct(h)) => {
            if shape_changed(&bi.inner, &hi.inner) {
                out.push("struct-kind");
            }
            generics(base, head, &b.generics, &h.generics, &mut out);
        }
        (ItemEnum::Enum(b), ItemEnum::Enum(h)) => {
            generics(base, head, &b.generics, &h.generics, &mut out)
        }
        (ItemEnum::Union(b), ItemEnum::Union(h)) => {
            generics(base, head, &b.generics, &h.generics, &mut out)
        }
        (ItemEnum::Variant(_), ItemEnum::Variant(_)) if shape_changed(&bi.inner, &hi.inner) => {
            out.push("variant-kind");
        }
        (ItemEnum::Trait(b), ItemEnum::Trait(h)) => {
            if !b.is_unsafe && h.is_unsafe {
                out.push("became-unsafe");
            }
            let sup = |r: &super::types::Render<'_>, t: &rustdoc_types::Trait| {
                t.bounds
                    .iter()
                    .map(|x| r.bounds(std::slice::from_ref(x), 0))
                    .collect::<std::collections::BTreeSet<_>>()
            };
            if sup(rh, h).difference(&sup(rb, b)).next().is_some() {
                out.push("added-bound");
            }
            generics(base, head, &b.generics, &h.generics, &mut out);
        }
        (ItemEnum::AssocType { bounds: b, .. }, ItemEnum::AssocType { bounds: h, .. }) => {
            let set = |r: &super::types::Render<'_>, v: &[rustdoc_types::GenericBound]| {
                v.iter()
                    .map(|x| r.bounds(std::slice::from_ref(x), 0))
                    .collect::<std::collections::BTreeSet<_>>()
            };
            if set(rh, h).difference(&set(rb, b)).next().is_some() {
                out.push("added-bound");
            }
        }
        _ => {}
    }
    out.dedup();
    out
}
