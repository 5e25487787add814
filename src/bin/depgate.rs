//! `depgate`: the command-line entry point. All logic is in the library.

/// mimalloc: a fleet scan allocates and frees millions of small strings
/// across threads (495-unit fleet benchmark: 0.7-1.0 s instead of 1.0-1.2 s
/// with glibc's allocator). Its v2 line without transparent huge pages
/// (Cargo.toml): v3 and huge pages each cost a short `check` about 1 ms
/// of start-up and page zeroing, with no gain on the fleet (see the README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(depgate::cli::main_with_args(std::env::args_os().collect()))
}
