//! Type changes, one module per case (head).
pub mod t01_field_type { pub struct S { pub a: u64 } }
pub mod t02_field_added_constructible { pub struct S { pub a: u32, pub b: u32 } }
pub mod t03_field_added_non_exhaustive { #[non_exhaustive] pub struct S { pub a: u32, pub b: u32 } }
pub mod t04_field_added_private_fields { pub struct S { pub a: u32, _b: u8, pub c: u8 } }
pub mod t05_variant_added { pub enum E { A, B } }
pub mod t06_variant_added_non_exhaustive { #[non_exhaustive] pub enum E { A, B } }
pub mod t07_non_exhaustive_added { #[non_exhaustive] pub enum E { A } }
pub mod t08_trait_item_added { pub trait T { fn a(&self); fn b(&self); } }
pub mod t09_trait_item_added_default { pub trait T { fn a(&self); fn b(&self) {} } }
pub mod t10_trait_item_added_sealed {
    mod private { pub trait Sealed {} }
    pub trait T: private::Sealed { fn a(&self); fn b(&self); }
}
pub mod t11_auto_trait_lost { pub struct S { _p: std::rc::Rc<u8> } }
pub mod t12_struct_kind { pub struct S { pub a: u8 } }
pub mod t13_variant_kind { pub enum E { A(u8) } }
pub mod t14_const_type { pub const C: u64 = 1; }
pub mod t15_static_type { pub static S: u64 = 1; }
pub mod t16_type_alias { pub type A = u64; }
pub mod t17_visibility_reduced { pub(crate) fn f() {} }
pub mod t18_struct_bound { pub struct W<T: Clone>(pub T); }
pub mod t19_supertrait_added { pub trait T: Clone {} }
pub mod t20_glob_reexport_removed {
    mod inner { pub struct Z; }
}
pub mod t21_variant_removed { pub enum E { A } }
pub mod t22_field_removed { pub struct S { pub a: u32 } }
pub mod t23_trait_method_signature { pub trait T { fn a(&self, x: u16); } }
pub mod t24_assoc_const_type { pub struct S; impl S { pub const K: u16 = 1; } }
