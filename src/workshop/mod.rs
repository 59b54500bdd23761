//! Workshop mode: a trainer plays a case with a room, agencies each holding part of the picture, and
//! participants judging privately from their own phones before the room discusses. The room is plain
//! data (`room`), kept in the store as it changes (`live`), served to browsers (`server`), and
//! printed afterwards (`report`).

pub mod client;
pub mod live;
pub mod load;
pub mod qr;
pub mod report;
pub mod room;
pub mod server;

pub use live::{Began, Join, Live};
pub use room::{Refusal, Room};
pub use server::Server;
