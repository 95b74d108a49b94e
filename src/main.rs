use clap::Parser;

fn main() -> std::process::ExitCode {
    // Built for x86-64-v3 (.cargo/config.toml): say so on an older CPU instead of dying of an
    // illegal instruction somewhere later.
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    if !(std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
    {
        eprintln!(
            "error: this build of neuromancer needs a CPU with AVX2 and FMA (x86-64-v3); \
             build it for this one with ./install.sh (or RUSTFLAGS=\"-C target-cpu=x86-64\" cargo build --release)"
        );
        return std::process::ExitCode::FAILURE;
    }
    neuromancer::telemetry::tune_allocator();
    let cli = neuromancer::cli::Cli::parse();
    neuromancer::telemetry::init(cli.log_filter());
    match neuromancer::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
