//! The workshop the window is running: its room and server, started from the setup screen or from
//! `second-look workshop` on the command line. The server wakes the window whenever the room changes,
//! so the projector shows each join and submission at once and uses no CPU in between.

use std::sync::Arc;

use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};

use super::screens::Screen;
use super::screens::title::TitleProblem;
use crate::cli::workshop::{WorkshopArgs, load_case, open};
use crate::engine::Compiled;
use crate::workshop::{Live, Server, qr};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, start_requested.after(super::library::scan_library));
}

/// A workshop asked for on the command line, started when the window opens.
#[derive(Resource, Debug, Clone)]
pub struct WorkshopRequest(pub WorkshopArgs);

/// The running workshop. Removing it stops the server.
#[derive(Resource)]
pub struct RunningWorkshop {
    pub live: Arc<Live>,
    pub server: Server,
    /// The join address's QR code: modules row by row, and the width.
    pub qr: Option<(Vec<bool>, usize)>,
    /// Where the listening server can be reached from, in words.
    pub reach: String,
}

/// Opens (or resumes) the workshop and starts serving it.
pub fn start(
    args: &WorkshopArgs,
    case: Arc<Compiled>,
    proxy: Option<&EventLoopProxyWrapper>,
) -> Result<RunningWorkshop, String> {
    let live = open(args, case)?;
    if let Some(proxy) = proxy {
        let proxy = (**proxy).clone();
        live.on_change(move || {
            let _ = proxy.send_event(WinitUserEvent::WakeUp);
        });
    }
    let server = Server::start(live.clone(), args.bind, args.port)?;
    let reach = if args.bind.is_unspecified() {
        format!("the local network (port {})", server.addr.port())
    } else if args.bind.is_loopback() {
        format!("this computer only ({})", server.addr)
    } else {
        format!("{}", server.addr)
    };
    Ok(RunningWorkshop {
        qr: qr::modules(&server.join.url),
        live,
        server,
        reach,
    })
}

fn start_requested(
    request: Option<Res<WorkshopRequest>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    mut problem: ResMut<TitleProblem>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(request) = request else { return };
    let started = load_case(&request.0).and_then(|case| start(&request.0, case, proxy.as_deref()));
    match started {
        Ok(running) => {
            // The same first lines as --headless, for the trainer who also wants a browser.
            println!("url: {}", running.server.join.url);
            println!("room: {}", running.live.room().code);
            println!("facilitator: {}", running.server.facilitator_url);
            commands.insert_resource(running);
            next.set(Screen::Workshop);
        }
        Err(e) => problem.0 = Some(format!("The workshop could not start: {e}")),
    }
    commands.remove_resource::<WorkshopRequest>();
}
