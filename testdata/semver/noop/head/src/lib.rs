//! Refactors that change no public API (head).
pub mod n01_reordered { pub struct C; pub fn b() {} pub fn a() {} }
mod n02_renamed_private { pub struct Kept; }
pub use n02_renamed_private::Kept;
/// New docs, much longer than before.
pub mod n03_docs { /// New.
    pub fn f() {} }
pub mod n04_body { pub fn f() -> u8 { 2 - 1 } }
pub mod n05_moved {
    mod b { pub struct X; }
    pub use b::X;
}
pub mod n06_glob_to_explicit {
    mod inner { pub struct P; pub struct Q; }
    pub use inner::{P, Q};
}
pub mod n07_private_alias {
    type Renamed = Result<u8, ()>;
    pub fn f() -> Renamed { Ok(1) }
}
pub mod n08_private_helper { fn other_helper() {} pub fn f() { other_helper() } }
pub mod n09_hidden { pub fn f() {} }
pub mod n10_param_renamed { pub fn f(_new: u8) {} }
