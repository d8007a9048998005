//! Spreadsheet imports: remarks that say what is wrong where, and the
//! outcome they lead to (C4, C7).

pub mod invitations;
pub mod sample;
pub mod users;

use serde::Serialize;

use crate::{Language, Message};

/// How much a remark matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information; changes nothing.
    Info,
    /// Something was ignored or defaulted; the import goes on.
    Warning,
    /// The import cannot go on: nothing is written.
    Blocking,
}

/// One finding about the file, pinned to a row and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remark {
    /// The row number the spreadsheet shows (header = 1).
    pub row: u32,
    /// The attribute (`email`), or the header as written for unknown columns.
    pub column: String,
    /// What it is about.
    pub code: Message,
    /// How much it matters.
    pub severity: Severity,
    /// A detail: the value in question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The other row involved (the first occurrence of a duplicate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_row: Option<u32>,
}

impl Remark {
    /// The remark in words, in `lang`.
    pub fn message(&self, lang: Language) -> String {
        use std::fmt::Write;
        let mut text = self.code.text(lang).to_owned();
        if let Some(other) = self.other_row {
            let _ = match lang {
                Language::Fr => write!(text, " (ligne {other})"),
                _ => write!(text, " (row {other})"),
            };
        }
        if let Some(detail) = &self.detail {
            let _ = write!(text, " « {detail} »");
        }
        text
    }
}

/// The most remarks kept; past it, only counts go on. A file where every
/// row is wrong needs fixing, not 200,000 lines of report.
pub const MAX_REMARKS: usize = 10_000;

/// Remarks as they are found, with counts by severity that never stop.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Remarks {
    /// The remarks kept, in the order found.
    pub items: Vec<Remark>,
    /// Remarks found but not kept, past [`MAX_REMARKS`].
    pub omitted: usize,
    /// How many are blocking.
    pub blocking: usize,
    /// How many are warnings.
    pub warnings: usize,
}

impl Remarks {
    /// Adds a remark.
    pub fn push(&mut self, remark: Remark) {
        match remark.severity {
            Severity::Blocking => self.blocking += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => {}
        }
        if self.items.len() < MAX_REMARKS {
            self.items.push(remark);
        } else {
            self.omitted += 1;
        }
    }

    /// Adds a remark from its parts.
    pub fn add(&mut self, row: u32, column: &str, code: Message, severity: Severity, detail: Option<String>) {
        self.push(Remark { row, column: column.to_owned(), code, severity, detail, other_row: None });
    }
}

impl Severity {
    /// The severity's name in `lang`.
    pub const fn label(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::Blocking, Language::Fr) => "bloquant",
            (Self::Warning, Language::Fr) => "avertissement",
            (Self::Info, Language::Fr) => "information",
            (Self::Blocking, _) => "blocking",
            (Self::Warning, _) => "warning",
            (Self::Info, _) => "info",
        }
    }
}

/// A remark as reports show it: its message already in the reader's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ShownRemark {
    /// The row.
    pub row: u32,
    /// The column.
    pub column: String,
    /// How much it matters.
    pub severity: Severity,
    /// The message.
    pub message: String,
}

/// Reads a file's header row into the column each cell names (`None` for
/// blank and unknown headers), remarking on unknown, repeated and missing
/// columns. `parse` and `code` are the file's column vocabulary.
pub(crate) fn read_header<C: Copy + PartialEq>(
    row: &crate::sheet::Row,
    parse: impl Fn(&str) -> Option<C>,
    code: impl Fn(C) -> &'static str,
    required: &[C],
    remarks: &mut Remarks,
) -> Vec<Option<C>> {
    let mut columns = Vec::with_capacity(row.cells.len());
    for cell in &row.cells {
        let Some(name) = cell.text().filter(|t| !t.trim().is_empty()) else {
            columns.push(None);
            continue;
        };
        match parse(&name) {
            Some(column) if columns.contains(&Some(column)) => {
                remarks.add(row.number, code(column), Message::DuplicateColumn, Severity::Blocking, Some(name));
                columns.push(None);
            }
            Some(column) => columns.push(Some(column)),
            None => {
                remarks.add(row.number, &name, Message::UnknownColumn, Severity::Info, None);
                columns.push(None);
            }
        }
    }
    for &column in required {
        if !columns.contains(&Some(column)) {
            remarks.add(row.number, code(column), Message::MissingColumn, Severity::Blocking, None);
        }
    }
    columns
}

/// How an import ends (C7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A blocking remark: nothing is written.
    Failed,
    /// Everything applies as the file says.
    Succeeded,
    /// The import applies, with values ignored or defaulted (warnings).
    Partial,
}

impl Outcome {
    /// The outcome the remarks lead to.
    pub const fn of(remarks: &Remarks) -> Self {
        if remarks.blocking > 0 {
            Self::Failed
        } else if remarks.warnings > 0 {
            Self::Partial
        } else {
            Self::Succeeded
        }
    }
}
