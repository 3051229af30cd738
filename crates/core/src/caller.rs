//! Who sent an input, and where: what every screen and service is told of the person asking.

/// Who sent an input, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user: i64,
    pub chat: i64,
    /// A private chat with the bot (plain text is a search there).
    pub private: bool,
    /// The forum topic the input came from.
    pub thread: Option<i32>,
    /// May change this chat's settings: in their own private chat, the group itself speaking (an
    /// anonymous admin), or a member Telegram confirmed as an administrator.
    pub admin: bool,
}

impl Caller {
    /// Someone in their own private chat with the bot.
    pub const fn private(user: i64) -> Caller {
        Caller { user, chat: user, private: true, thread: None, admin: true }
    }

    /// Someone in a group, not known to administer it.
    pub const fn member(user: i64, group: i64) -> Caller {
        Caller { user, chat: group, private: false, thread: None, admin: false }
    }
}
