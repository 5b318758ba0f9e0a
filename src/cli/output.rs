//! Output helpers shared by the commands: tables for people, and numbers
//! and intervals written the same way in every table ("–" where a value is
//! not defined).

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

/// An empty table in the style every command prints.
pub fn table() -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table
}

/// A number with `decimals` decimals, or "–" where it is not defined.
pub fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_string(), |x| format!("{x:.decimals$}"))
}

/// An interval `[lo, hi]` with `decimals` decimals, or "–".
pub fn interval(value: Option<[f64; 2]>, decimals: usize) -> String {
    value.map_or_else(
        || "–".to_string(),
        |[lo, hi]| format!("[{lo:.decimals$}, {hi:.decimals$}]"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_values_are_a_dash() {
        assert_eq!(number(None, 2), "–");
        assert_eq!(number(Some(1.0 / 3.0), 2), "0.33");
        assert_eq!(interval(Some([1.0, 2.25]), 1), "[1.0, 2.2]");
        assert_eq!(interval(None, 1), "–");
    }
}
