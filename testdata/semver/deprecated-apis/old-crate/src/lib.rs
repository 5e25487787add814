pub mod module {
    #[deprecated(since = "1.0.0", note = "use `old_crate::module::new_function`")]
    pub fn function() {}
    pub fn new_function() {}
    #[deprecated(since = "1.0.0", note = "use `new_function`")]
    pub fn later() {}
}
#[deprecated(since = "0.9.0", note = "no replacement")]
pub fn untracked() {}
