use clap::Parser;

fn main() -> std::process::ExitCode {
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
