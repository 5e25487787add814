//! The fleet scan's progress bar on stderr: units done of the total and
//! the errors so far. Drawn only when stderr is a terminal (indicatif hides
//! it otherwise), never with `-q` or a machine format on stdout. Without
//! the default `progress` feature it is never drawn.

#[cfg(feature = "progress")]
pub struct Bar(Option<indicatif::ProgressBar>);

#[cfg(feature = "progress")]
impl Bar {
    pub fn new(enabled: bool) -> Bar {
        use std::io::IsTerminal;
        if !enabled || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} units, {msg} ({elapsed})",
        );
        if let Ok(style) = style {
            bar.set_style(style);
        }
        Bar(Some(bar))
    }

    pub fn update(&self, done: usize, total: usize, errors: usize) {
        if let Some(b) = &self.0 {
            b.set_length(total as u64);
            b.set_position(done as u64);
            b.set_message(format!("{errors} errors"));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

#[cfg(not(feature = "progress"))]
pub struct Bar;

#[cfg(not(feature = "progress"))]
impl Bar {
    pub fn new(_enabled: bool) -> Bar {
        Bar
    }
    pub fn update(&self, _done: usize, _total: usize, _errors: usize) {}
    pub fn finish(&self) {}
}
