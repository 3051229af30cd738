//! `digestbot chat`: the bot in this terminal (see `terminal`).

use std::io::IsTerminal;

use crate::application::{self, Parts};
use crate::config::Config;
use crate::exit::Failure;
use crate::plain::Emphasis;
use crate::{terminal, text};

pub fn run(config: &Config) -> Result<(), Failure> {
    let app = application::app(config, Parts::default())?;
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        println!("{}", text::CHAT_INTRO);
    }
    terminal::run(&app, std::io::stdin().lock(), std::io::stdout().lock(), Emphasis::for_stdout(), interactive)
        .map_err(Failure::failed)
}
