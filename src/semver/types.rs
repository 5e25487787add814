//! Types and signatures written as canonical strings, so two revisions'
//! items compare structurally: a path to one of the crate's own items is
//! written as its shortest public path (so a move that keeps a re-export
//! changes nothing), an external one as its full path, and a type alias of
//! the crate is expanded (so renaming a private alias changes nothing).

use rustdoc_types::{
    Crate, FunctionHeader, FunctionSignature, GenericArg, GenericArgs, GenericBound,
    GenericParamDefKind, Generics, Id, ItemEnum, Path, Term, Type, WherePredicate,
};
use std::collections::{BTreeSet, HashMap};

/// Renders one crate's types.
pub struct Render<'a> {
    pub krate: &'a Crate,
    /// The shortest public path of each of the crate's own items.
    pub names: &'a HashMap<Id, String>,
}

/// Generics split into what a change can add: the parameters (kind and
/// position) and the bounds (`T: Clone`, `'a: 'b`, where clauses).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GenericsText {
    pub params: Vec<String>,
    pub bounds: BTreeSet<String>,
}

const MAX_DEPTH: u32 = 32;

impl Render<'_> {
    fn path_name(&self, id: &Id, written: &str) -> String {
        if let Some(n) = self.names.get(id) {
            return n.clone();
        }
        match self.krate.paths.get(id) {
            Some(s) => s.path.join("::"),
            None => written.to_string(),
        }
    }

    /// A local type alias's target, with its generics substituted.
    fn alias(&self, p: &Path, depth: u32) -> Option<String> {
        let item = self.krate.index.get(&p.id)?;
        let ItemEnum::TypeAlias(alias) = &item.inner else {
            return None;
        };
        let args: Vec<String> = match p.args.as_deref() {
            Some(GenericArgs::AngleBracketed { args, .. }) => args
                .iter()
                .filter_map(|a| match a {
                    GenericArg::Type(t) => Some(self.ty_at(t, depth + 1, &HashMap::new())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let names = alias.generics.params.iter().filter_map(|g| match g.kind {
            GenericParamDefKind::Type { .. } => Some(g.name.clone()),
            _ => None,
        });
        let subst: HashMap<String, String> = names.zip(args).collect();
        Some(self.ty_at(&alias.type_, depth + 1, &subst))
    }

    pub fn path(&self, p: &Path) -> String {
        self.path_at(p, 0, &HashMap::new())
    }

    fn path_at(&self, p: &Path, depth: u32, subst: &HashMap<String, String>) -> String {
        let name = self.path_name(&p.id, &p.path);
        match p.args.as_deref() {
            None => name,
            Some(args) => format!("{name}{}", self.args(args, depth, subst)),
        }
    }

    fn args(&self, args: &GenericArgs, depth: u32, subst: &HashMap<String, String>) -> String {
        match args {
            GenericArgs::AngleBracketed { args, constraints } => {
                let mut parts: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        GenericArg::Lifetime(l) => l.clone(),
                        GenericArg::Type(t) => self.ty_at(t, depth + 1, subst),
                        GenericArg::Const(c) => c.expr.clone(),
                        GenericArg::Infer => "_".into(),
                    })
                    .collect();
                parts.extend(constraints.iter().map(|c| match &c.binding {
                    rustdoc_types::AssocItemConstraintKind::Equality(Term::Type(t)) => {
                        format!("{} = {}", c.name, self.ty_at(t, depth + 1, subst))
                    }
                    rustdoc_types::AssocItemConstraintKind::Equality(Term::Constant(k)) => {
                        format!("{} = {}", c.name, k.expr)
                    }
                    rustdoc_types::AssocItemConstraintKind::Constraint(b) => {
                        format!("{}: {}", c.name, self.bounds(b, depth + 1))
                    }
                }));
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let ins: Vec<String> = inputs
                    .iter()
                    .map(|t| self.ty_at(t, depth + 1, subst))
                    .collect();
                let out = output
                    .as_ref()
                    .map(|t| format!(" -> {}", self.ty_at(t, depth + 1, subst)))
                    .unwrap_or_default();
                format!("({}){out}", ins.join(", "))
            }
            GenericArgs::ReturnTypeNotation => "(..)".into(),
        }
    }

    pub fn bounds(&self, bounds: &[GenericBound], depth: u32) -> String {
        let mut parts: Vec<String> = bounds
            .iter()
            .map(|b| match b {
                GenericBound::TraitBound {
                    trait_, modifier, ..
                } => {
                    let m = match modifier {
                        rustdoc_types::TraitBoundModifier::Maybe => "?",
                        rustdoc_types::TraitBoundModifier::MaybeConst => "~const ",
                        rustdoc_types::TraitBoundModifier::None => "",
                    };
                    format!("{m}{}", self.path_at(trait_, depth + 1, &HashMap::new()))
                }
                GenericBound::Outlives(l) => l.clone(),
                GenericBound::Use(_) => "use<..>".into(),
            })
            .collect();
        parts.sort();
        parts.join(" + ")
    }

    pub fn ty(&self, t: &Type) -> String {
        self.ty_at(t, 0, &HashMap::new())
    }

    fn ty_at(&self, t: &Type, depth: u32, subst: &HashMap<String, String>) -> String {
        if depth > MAX_DEPTH {
            return "…".into();
        }
        let d = depth + 1;
        match t {
            Type::ResolvedPath(p) => self
                .alias(p, d)
                .unwrap_or_else(|| self.path_at(p, d, subst)),
            Type::DynTrait(dt) => {
                let mut parts: Vec<String> = dt
                    .traits
                    .iter()
                    .map(|p| self.path_at(&p.trait_, d, subst))
                    .collect();
                parts.sort();
                parts.extend(dt.lifetime.clone());
                format!("dyn {}", parts.join(" + "))
            }
            Type::Generic(g) => subst.get(g).cloned().unwrap_or_else(|| g.clone()),
            Type::Primitive(p) => p.clone(),
            Type::FunctionPointer(f) => {
                format!("{}fn{}", header(&f.header), self.sig_at(&f.sig, d, subst))
            }
            Type::Tuple(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| self.ty_at(t, d, subst)).collect();
                format!("({})", parts.join(", "))
            }
            Type::Slice(t) => format!("[{}]", self.ty_at(t, d, subst)),
            Type::Array { type_, len } => format!("[{}; {len}]", self.ty_at(type_, d, subst)),
            Type::Pat { type_, .. } => self.ty_at(type_, d, subst),
            Type::ImplTrait(b) => format!("impl {}", self.bounds(b, d)),
            Type::Infer => "_".into(),
            Type::RawPointer { is_mutable, type_ } => {
                format!(
                    "*{} {}",
                    if *is_mutable { "mut" } else { "const" },
                    self.ty_at(type_, d, subst)
                )
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => format!(
                "&{}{}{}",
                lifetime
                    .as_deref()
                    .map(|l| format!("{l} "))
                    .unwrap_or_default(),
                if *is_mutable { "mut " } else { "" },
                self.ty_at(type_, d, subst)
            ),
            Type::QualifiedPath {
                name,
                self_type,
                trait_,
                ..
            } => match trait_ {
                Some(tr) => format!(
                    "<{} as {}>::{name}",
                    self.ty_at(self_type, d, subst),
                    self.path_at(tr, d, subst)
                ),
                None => format!("{}::{name}", self.ty_at(self_type, d, subst)),
            },
        }
    }

    /// `(T, U) -> R`, without parameter names.
    pub fn sig(&self, s: &FunctionSignature) -> String {
        self.sig_at(s, 0, &HashMap::new())
    }

    fn sig_at(&self, s: &FunctionSignature, depth: u32, subst: &HashMap<String, String>) -> String {
        let ins: Vec<String> = s
            .inputs
            .iter()
            .map(|(_, t)| self.ty_at(t, depth, subst))
            .collect();
        let out = s
            .output
            .as_ref()
            .map(|t| format!(" -> {}", self.ty_at(t, depth, subst)))
            .unwrap_or_default();
        format!("({}){out}", ins.join(", "))
    }

    pub fn generics(&self, g: &Generics) -> GenericsText {
        let mut out = GenericsText::default();
        for p in &g.params {
            match &p.kind {
                GenericParamDefKind::Lifetime { outlives } => {
                    out.params.push(format!("'lifetime {}", p.name));
                    out.bounds
                        .extend(outlives.iter().map(|o| format!("{}: {o}", p.name)));
                }
                // An `impl Trait` argument's bounds are in the argument's type.
                GenericParamDefKind::Type {
                    is_synthetic: true, ..
                } => {}
                GenericParamDefKind::Type { bounds, .. } => {
                    out.params.push(format!("type {}", p.name));
                    for b in bounds {
                        out.bounds.insert(format!(
                            "{}: {}",
                            p.name,
                            self.bounds(std::slice::from_ref(b), 0)
                        ));
                    }
                }
                GenericParamDefKind::Const { type_, .. } => {
                    out.params
                        .push(format!("const {}: {}", p.name, self.ty(type_)));
                }
            }
        }
        for w in &g.where_predicates {
            match w {
                WherePredicate::BoundPredicate { type_, bounds, .. } => {
                    let t = self.ty(type_);
                    for b in bounds {
                        out.bounds
                            .insert(format!("{t}: {}", self.bounds(std::slice::from_ref(b), 0)));
                    }
                }
                WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    out.bounds
                        .extend(outlives.iter().map(|o| format!("{lifetime}: {o}")));
                }
                WherePredicate::EqPredicate { lhs, rhs } => {
                    let r = match rhs {
                        Term::Type(t) => self.ty(t),
                        Term::Constant(c) => c.expr.clone(),
                    };
                    out.bounds.insert(format!("{} == {r}", self.ty(lhs)));
                }
            }
        }
        out
    }
}

/// `const unsafe async extern "C" `, as far as set.
pub fn header(h: &FunctionHeader) -> String {
    let mut s = String::new();
    if h.is_const {
        s.push_str("const ");
    }
    if h.is_async {
        s.push_str("async ");
    }
    if h.is_unsafe {
        s.push_str("unsafe ");
    }
    if !matches!(h.abi, rustdoc_types::Abi::Rust) {
        let abi = format!("{:?}", h.abi);
        let name = abi.split([' ', '{', '(']).next().unwrap_or(&abi);
        s.push_str(&format!("extern \"{name}\" "));
    }
    s
}
