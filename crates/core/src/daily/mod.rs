//! Daily sections: each subscribed chat gets the next section of the reading plan once a day, at a
//! local time of its choosing. This is the pure core: when a delivery is due (`schedule`), what
//! comes next (`plan`) and what has been sent (`store`). Sending, and when to wake up, live elsewhere.

mod lock;
pub mod plan;
pub mod schedule;
pub mod store;
pub mod text;

pub use lock::{Lock, LockError, lock_path};
pub use plan::{Entry, EntryKind, Plan};
pub use schedule::{ArgError, DailyTime, Schedule, parse_args};
pub use store::{Delivered, Pending, Store, StoreError, Subscription, Watch, Watched};

mod commands;
mod delivery;
mod entry;
pub use commands::{Daily, Settings};
pub use delivery::{Delivery, Due};
