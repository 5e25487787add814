//! Function changes, one module per case (base).
pub struct E1;
pub struct E2;

pub mod m01_param_u32_u64 { pub fn f(_x: u32) {} }
pub mod m02_param_str_string { pub fn f(_x: &str) {} }
pub mod m03_return_error_type { pub fn f() -> Result<u32, crate::E1> { Ok(1) } }
pub mod m04_param_count { pub fn f(_a: u8) {} }
pub mod m05_added_bound { pub fn f<T>(_t: T) {} }
pub mod m06_generics { pub fn f<T: Default>() -> T { T::default() } }
pub mod m07_became_unsafe { pub fn f() {} }
pub mod m08_async { pub fn f() {} }
pub mod m09_const_removed { pub const fn f() -> u8 { 1 } }
pub mod m10_removed { pub fn f() {} pub fn keep() {} }
pub mod m11_removed_deprecated {
    #[deprecated(since = "0.5.0", note = "use keep")]
    pub fn f() {}
    pub fn keep() {}
}
pub mod m12_renamed { pub fn old_name() {} }
pub mod m13_added { pub fn keep() {} }
pub mod m14_newly_deprecated { pub fn f() {} }
pub mod m15_deprecated_bare { pub fn f() {} }
pub mod m16_impl_trait_arg { pub fn f(_s: impl Into<String>) {} }
pub mod m17_dyn_trait { pub fn f(_c: Box<dyn Fn()>) {} }
pub mod m18_mut_ref { pub fn f(_b: &[u8]) {} }
pub mod m19_tuple_return { pub fn f() -> (u8, u8) { (0, 0) } }
pub mod m20_extern_abi { pub fn f() {} }
pub mod m21_deprecation_too_recent {
    #[deprecated(since = "1.1.0", note = "use keep")]
    pub fn f() {}
    pub fn keep() {}
}
pub mod m22_lifetime_bound { pub fn f<'a, 'b>(x: &'a u8, _y: &'b u8) -> &'a u8 { x } }
pub mod m23_option_inner { pub fn f() -> Option<u32> { None } }
pub mod m24_method_return {
    pub struct S;
    impl S { pub fn get(&self) -> u8 { 0 } }
}
