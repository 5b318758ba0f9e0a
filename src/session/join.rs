//! Join codes: the short secret each group types to open its page in the
//! web face. Drawn from the operating system's random source (never the
//! seeded research generator), 9 characters of an alphabet without
//! look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B): 22⁹ ≈ 2⁴⁰·¹ codes.
//! Shown in threes (`KXR-4TW-PMA`) to read aloud; typed in any case, with
//! or without spaces and dashes.
//!
//! Not for checking who may do what: the web face decides that.

use crate::store::{JoinCodeRecord, Store, StoreError};

/// The characters of a code and of a facilitator token.
pub const ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY3479";

/// Characters in a join code.
pub const CODE_LENGTH: usize = 9;

/// `n` characters of [`ALPHABET`], uniformly from the OS random source.
pub fn random_text(n: usize) -> Result<String, StoreError> {
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut text = String::with_capacity(n);
    let mut buffer = [0u8; 64];
    while text.len() < n {
        getrandom::fill(&mut buffer)
            .map_err(|e| StoreError::Corrupt(format!("the system's random source failed: {e}")))?;
        for &b in &buffer {
            // Rejection keeps every character equally likely.
            if b < limit && text.len() < n {
                text.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
            }
        }
    }
    Ok(text)
}

/// A code as typed (any case, spaces and dashes) in its stored form, or
/// `None` when it cannot be a code.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A stored code as it is shown and read aloud: `KXR-4TW-PMA`.
pub fn display(code: &str) -> String {
    code.as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Every group's join code, giving a new one to each group that has none.
pub fn codes(store: &mut Store, session: &str) -> Result<Vec<JoinCodeRecord>, StoreError> {
    let have = store.join_codes(session)?;
    let groups = store.groups(session)?;
    if have.len() < groups.len() {
        for group in &groups {
            if !have.iter().any(|c| c.group == group.label) {
                new_code(store, session, &group.label)?;
            }
        }
        return store.join_codes(session);
    }
    Ok(have)
}

/// Gives a group a new join code (the old one stops working); returns it.
pub fn new_code(store: &mut Store, session: &str, group: &str) -> Result<String, StoreError> {
    loop {
        let code = random_text(CODE_LENGTH)?;
        if store.set_join_code(session, group, &code)? {
            return Ok(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_at_least_forty_bits_and_no_look_alikes() {
        let bits = (ALPHABET.len() as f64).log2() * CODE_LENGTH as f64;
        assert!(bits >= 40.0, "{bits}");
        for c in b"0O1IL2Z5S8B6G" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        let a = random_text(CODE_LENGTH).unwrap();
        let b = random_text(CODE_LENGTH).unwrap();
        assert_ne!(a, b);
        assert_eq!(normalize(&display(&a).to_lowercase()), Some(a.clone()));
        assert_eq!(normalize(" kxr 4tw pma "), Some("KXR4TWPMA".to_string()));
        assert_eq!(normalize("KXR-4TW-PM0"), None);
        assert_eq!(normalize("KXR"), None);
    }
}
