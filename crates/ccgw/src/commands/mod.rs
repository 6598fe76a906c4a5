//! CLI subcommands: `directory` (agents, VDNs), `skills` and `groups` (agent groups, rest
//! reasons) edit the SQLite directory in the data directory, also while a server runs;
//! `records` reads its call records; `calls` drives a running server's simulated calls
//! through the `/ccgw/v1` extension API.

pub mod audit;
pub mod calls;
pub mod directory;
pub mod groups;
pub mod phones;
pub mod records;
pub mod skills;

use std::io::Write;

use anyhow::Context;
use ccgw_core::Vdn;

/// The options of every directory `list` subcommand.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only the entries of this VDN
    #[arg(long)]
    pub vdn: Option<Vdn>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Writes `text` to `out` (standard output outside tests) and flushes it.
fn emit(out: &mut (dyn Write + Send), text: &str) -> anyhow::Result<()> {
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).context("while writing to standard output")
}

/// Renders rows under headers in left-aligned columns separated by two spaces, one line
/// per row, without trailing spaces.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (index, cell) in row.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(index) {
                Some(current) => *current = (*current).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut text = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            let width = widths.get(index).copied().unwrap_or(0);
            let pad = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_without_trailing_spaces() {
        let rows = vec![
            vec!["101".to_owned(), "Alice".to_owned(), "1:1".to_owned()],
            vec!["99999".to_owned(), "Bo".to_owned(), String::new()],
        ];
        let text = table(&["WORK NO", "NAME", "SKILLS"], &rows);
        assert_eq!(
            text,
            "WORK NO  NAME   SKILLS\n\
             101      Alice  1:1\n\
             99999    Bo\n"
        );
    }

    #[test]
    fn emit_writes_everything() {
        let mut out = Vec::new();
        emit(&mut out, "hello\n").unwrap();
        assert_eq!(out, b"hello\n");
    }
}
