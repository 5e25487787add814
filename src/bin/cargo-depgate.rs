//! `cargo-depgate`: lets `cargo depgate check` work like any cargo
//! subcommand. Cargo runs it as `cargo-depgate depgate ARGS`, so the
//! subcommand name is dropped before parsing.

/// The same allocator as `depgate` (see src/bin/depgate.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "depgate") {
        args.remove(1);
    }
    if let Some(first) = args.first_mut() {
        *first = "cargo depgate".into();
    }
    std::process::ExitCode::from(depgate::cli::main_with_args(args))
}
