//! `second-look workshop`: starts (or resumes) a workshop room for a case and serves it to the local
//! network. With `--headless` it runs without a window, printing the join address, the room code and
//! the trainer's address first; otherwise the game window opens on the room.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, data_dir, find_case, playable, scenarios_dir};
use crate::engine::Compiled;
use crate::workshop::room::agencies_with_findings;
use crate::workshop::{Began, Live, Server};

#[derive(Args, Debug, Clone)]
pub struct WorkshopArgs {
    /// The case: a shipped case's ID, or a case file or folder.
    #[arg(long)]
    pub case: String,
    /// What is really happening and which signs are there to find (random if not given).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The agencies in the room, by ID, comma-separated (default: every agency that holds a finding).
    #[arg(long, value_delimiter = ',')]
    pub agencies: Vec<String>,
    /// List the case's agencies and stop.
    #[arg(long)]
    pub list_agencies: bool,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// The address to listen on: 0.0.0.0 is the local network, 127.0.0.1 this machine only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub bind: IpAddr,
    /// Run the server without a game window (the trainer uses the facilitator page in a browser).
    #[arg(long)]
    pub headless: bool,
    /// Where workshops, saves and settings are kept.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Folder of shipped cases.
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Start afresh instead of resuming this case's unfinished workshop.
    #[arg(long)]
    pub new: bool,
}

/// The case named on the command line, ready to play.
pub fn load_case(args: &WorkshopArgs) -> Result<Arc<Compiled>, String> {
    let loaded = find_case(&args.case, &scenarios_dir(args.scenarios.as_deref()))?;
    playable(&loaded).map(Arc::new)
}

/// Opens the workshop (resumed or new) in the data folder.
pub fn open(args: &WorkshopArgs, case: Arc<Compiled>) -> Result<Arc<Live>, String> {
    let agencies = if args.agencies.is_empty() {
        agencies_with_findings(&case)
    } else {
        args.agencies.clone()
    };
    let seed = args.seed.unwrap_or_else(|| rand::random::<u32>() as u64);
    Live::open(
        case,
        seed,
        &agencies,
        &data_dir(args.data_dir.as_deref()),
        args.new,
    )
}

pub fn run(args: &WorkshopArgs) -> u8 {
    let case = match load_case(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if args.list_agencies {
        for (id, a) in case.case.agencies.iter() {
            println!("{id:<20} {}", a.label);
        }
        return EXIT_OK;
    }
    let live = match open(args, case) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERRORS;
        }
    };
    let server = match Server::start(live.clone(), args.bind, args.port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERRORS;
        }
    };
    announce(&live, &server, args.bind);
    server.wait();
    EXIT_OK
}

/// The three lines scripts read first, then words for the trainer.
fn announce(live: &Live, server: &Server, bind: IpAddr) {
    let room = live.room();
    println!("url: {}", server.join.url);
    println!("room: {}", room.code);
    println!("facilitator: {}", server.facilitator_url);
    println!(
        "case: {} (seed {}); agencies in the room: {}",
        room.case.case.title,
        room.play.seed(),
        room.agency_ids().join(", ")
    );
    if let Began::Resumed { started, people } = &live.began {
        println!(
            "resumed the unfinished workshop started {started}, with {people} already joined (--new starts afresh)"
        );
    }
    let reach = if bind.is_unspecified() {
        "the local network"
    } else if bind.is_loopback() {
        "this machine only"
    } else {
        "this address"
    };
    println!(
        "listening on {} ({reach}). Open the facilitator address on the projector's browser. Ctrl-C stops; starting again resumes.",
        server.addr
    );
}
