pub fn run() {
    old_crate::module::function();
    old_crate::module::later();
    old_crate::untracked();
    old_crate::module::new_function();
}
