//! The `second-look` command line: play (the default), check, new, graph, explore, report, history, export, import, workshop and bench.
//! In the web build there is no command line: the page runs the game (see `game::run_web`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(all(target_arch = "wasm32", feature = "gui"))]
fn main() {
    second_look::game::run_web();
}

/// The web build without the game has nothing to run.
#[cfg(all(target_arch = "wasm32", not(feature = "gui")))]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {

    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::{Parser, Subcommand, ValueEnum};

    use second_look::cli;

    #[derive(Parser)]
    #[command(
        name = "second-look",
        version,
        about = "Practise child-protection judgement: gather signs, judge in probabilities, decide, and see how you reasoned."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Option<Command>,
        #[command(flatten)]
        play: cli::play::PlayArgs,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Play a case (the default).
        Play(cli::play::PlayArgs),
        /// Check cases for mistakes, with the file, line and column of each.
        Check {
            /// Case files or folders (default: scenarios/).
            paths: Vec<PathBuf>,
            #[arg(long, value_enum, default_value_t = Format::Human)]
            format: Format,
            /// Keep checking after every save, printing only what changed.
            #[arg(long)]
            watch: bool,
        },
        /// The case as a graph (Graphviz DOT): scenes, actions with their time, checkpoints and decisions.
        Graph(cli::graph::GraphArgs),
        /// Start a new case: a folder with every section present and commented, ready to edit.
        New(cli::new::NewArgs),
        /// Walk every path through a case, or play it many times at random.
        Explore(cli::explore::ExploreArgs),
        /// The playthroughs in your record, with their scores.
        History(cli::history::HistoryArgs),
        /// Export everything in your record to a JSON or CSV file.
        Export(cli::history::ExportArgs),
        /// Add an exported record (from another machine, or the browser version) to yours.
        Import(cli::history::ImportArgs),
        /// The whole analysis of a saved playthrough: beliefs, decision quality, calibration, reasoning.
        Report(cli::report::ReportArgs),
        /// Run a workshop: a case on the projector, participants judging privately from their phones.
        Workshop(cli::workshop::WorkshopArgs),
        /// Measure the checker, the engine and the reasoner, and print the figures.
        Bench {
            /// Folder of shipped cases to time.
            #[arg(long)]
            scenarios: Option<PathBuf>,
        },
    }

    #[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
    enum Format {
        Human,
        Json,
    }

    pub fn main() -> ExitCode {
        restore_broken_pipe();
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) => {
                let _ = e.print();
                return if e.use_stderr() {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
        };
        let code = match cli.command {
            None => cli::play::run(&cli.play),
            Some(Command::Play(args)) => cli::play::run(&args),
            Some(Command::Check {
                paths, watch: true, ..
            }) => {
                let paths = if paths.is_empty() {
                    vec![cli::scenarios_dir(None)]
                } else {
                    paths
                };
                cli::watch::run(&paths)
            }
            Some(Command::Check { paths, format, .. }) => {
                cli::check::run(&paths, format == Format::Json)
            }
            Some(Command::Explore(args)) => cli::explore::run(&args),
            Some(Command::New(args)) => cli::new::run(&args),
            Some(Command::Graph(args)) => cli::graph::run(&args),
            Some(Command::Report(args)) => cli::report::run(&args),
            Some(Command::History(args)) => cli::history::run(&args),
            Some(Command::Export(args)) => cli::history::export(&args),
            Some(Command::Import(args)) => cli::history::import(&args),
            Some(Command::Workshop(args)) => workshop(&args),
            Some(Command::Bench { scenarios }) => cli::bench::run(scenarios.as_deref()),
        };
        ExitCode::from(code)
    }

    /// A workshop in the game window, or (with `--headless`, or in a build without the window) served alone.
    fn workshop(args: &cli::workshop::WorkshopArgs) -> u8 {
        #[cfg(feature = "gui")]
        if !args.headless && !args.list_agencies {
            return second_look::game::run_workshop(args);
        }
        #[cfg(not(feature = "gui"))]
        if !args.headless && !args.list_agencies {
            eprintln!(
                "this build has no game window: add --headless and use the facilitator page in a browser"
            );
            return cli::EXIT_USAGE;
        }
        cli::workshop::run(args)
    }

    /// Rust ignores SIGPIPE, so printing into a closed pipe (`second-look check | head`) would panic;
    /// command-line tools end quietly instead.
    fn restore_broken_pipe() {
        #[cfg(unix)]
        // SAFETY: setting a signal's disposition to its default, before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}
