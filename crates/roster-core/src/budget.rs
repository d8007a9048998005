//! The database's hard limits, checked before a statement leaves: the local
//! runtime does not enforce them all, production does, so every statement
//! the product sends is measured here and one over a limit never goes out.

/// Bound parameters one statement may carry.
pub const MAX_PARAMS: usize = 100;
/// Bytes of SQL text in one statement.
pub const MAX_SQL_BYTES: usize = 100_000;
/// Bytes of one bound text value (the largest string a row may hold).
pub const MAX_VALUE_BYTES: usize = 1_000_000;
/// Statements one invocation (a request, a queue delivery) may run; every
/// statement of a batch counts.
pub const MAX_STATEMENTS: u32 = 1_000;

/// Why a statement was not sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// More bound parameters than a statement may carry.
    #[error("{0} bound parameters (at most {MAX_PARAMS})")]
    Params(usize),
    /// SQL text longer than a statement may be.
    #[error("{0} bytes of SQL (at most {MAX_SQL_BYTES})")]
    SqlBytes(usize),
    /// A bound text value longer than a row may hold.
    #[error("a bound value of {0} bytes (at most {MAX_VALUE_BYTES})")]
    ValueBytes(usize),
    /// The invocation already ran all the statements it may.
    #[error("more than {MAX_STATEMENTS} statements in one invocation")]
    Statements,
}

/// Checks one statement's shape: its SQL, how many values it binds and the
/// longest bound text.
///
/// # Errors
/// The first limit the statement breaks.
pub const fn check_statement(sql: &str, params: usize, longest_value: usize) -> Result<(), BudgetError> {
    if params > MAX_PARAMS {
        return Err(BudgetError::Params(params));
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(BudgetError::SqlBytes(sql.len()));
    }
    if longest_value > MAX_VALUE_BYTES {
        return Err(BudgetError::ValueBytes(longest_value));
    }
    Ok(())
}

/// The statements an invocation has run so far.
#[derive(Debug, Default)]
pub struct StatementCount(u32);

impl StatementCount {
    /// Counts `n` more statements.
    ///
    /// # Errors
    /// [`BudgetError::Statements`] once the invocation would pass [`MAX_STATEMENTS`];
    /// nothing is counted then.
    pub fn take(&mut self, n: usize) -> Result<(), BudgetError> {
        let next = u32::try_from(n).ok().and_then(|n| self.0.checked_add(n)).ok_or(BudgetError::Statements)?;
        if next > MAX_STATEMENTS {
            return Err(BudgetError::Statements);
        }
        self.0 = next;
        Ok(())
    }

    /// How many statements ran so far.
    pub const fn used(&self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_at_each_limit_passes_and_one_past_it_does_not() {
        let sql = "x".repeat(MAX_SQL_BYTES);
        assert_eq!(check_statement(&sql, MAX_PARAMS, MAX_VALUE_BYTES), Ok(()));
        assert_eq!(check_statement("SELECT 1", MAX_PARAMS + 1, 0), Err(BudgetError::Params(101)));
        assert_eq!(check_statement(&format!("{sql} "), 0, 0), Err(BudgetError::SqlBytes(MAX_SQL_BYTES + 1)));
        assert_eq!(check_statement("SELECT ?", 1, MAX_VALUE_BYTES + 1), Err(BudgetError::ValueBytes(1_000_001)));
    }

    #[test]
    fn an_invocation_runs_a_thousand_statements_and_not_one_more() {
        let mut count = StatementCount::default();
        count.take(999).unwrap();
        count.take(1).unwrap();
        assert_eq!(count.take(1), Err(BudgetError::Statements));
        assert_eq!(count.used(), MAX_STATEMENTS);
        assert_eq!(StatementCount::default().take(usize::MAX), Err(BudgetError::Statements));
    }
}
