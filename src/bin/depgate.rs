//! `depgate`: the command-line entry point. All logic is in the library.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(depgate::cli::main_with_args(std::env::args_os().collect()))
}
