//! Refactors that change no public API (base).
pub mod n01_reordered { pub fn a() {} pub fn b() {} pub struct C; }
mod n02_private { pub struct Kept; }
pub use n02_private::Kept;
/// Old docs.
pub mod n03_docs { /// Old. 
    pub fn f() {} }
pub mod n04_body { pub fn f() -> u8 { 1 } }
pub mod n05_moved {
    mod a { pub struct X; }
    pub use a::X;
}
pub mod n06_glob_to_explicit {
    mod inner { pub struct P; pub struct Q; }
    pub use inner::*;
}
pub mod n07_private_alias {
    type Res = Result<u8, ()>;
    pub fn f() -> Res { Ok(1) }
}
pub mod n08_private_helper { fn helper() {} pub fn f() { helper() } }
pub mod n09_hidden { #[doc(hidden)] pub fn internal() {} pub fn f() {} }
pub mod n10_param_renamed { pub fn f(_old: u8) {} }
