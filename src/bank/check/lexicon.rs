//! Checks of a lexicon: entry names unique across the bank, phrases in
//! every language of the lexicon, and nynorsk lists as full as bokmål.

use std::collections::BTreeMap;

use super::super::Entry;
use super::super::model::*;
use super::*;

impl Checker<'_> {
    /// Checks every lexicon of the bank.
    pub(super) fn lexicons(&mut self, lexicons: &[Entry<Lexicon>]) {
        let mut first: BTreeMap<&str, &str> = BTreeMap::new();
        for entry in lexicons {
            for (name, terms) in &entry.item.entries {
                let at = format!("/entries/{name}");
                if let Some(other) = first.insert(name, &entry.path) {
                    self.error(
                        entry,
                        &at,
                        format!(
                            "entry `{name}` is in {other} too; entry names must be unique in a bank"
                        ),
                    );
                }
                for language in &entry.item.languages {
                    if !terms.contains_key(language) {
                        self.error(
                            entry,
                            &at,
                            format!("no `{language}` phrases; every entry needs phrases in every language of the lexicon"),
                        );
                    }
                }
                for (language, phrases) in terms {
                    for (i, phrase) in phrases.iter().enumerate() {
                        self.phrase(entry, &format!("{at}/{language}/{i}"), phrase);
                    }
                }
                self.nynorsk_covers(entry, &at, terms);
            }
        }
    }
}
