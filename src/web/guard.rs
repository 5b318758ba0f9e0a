//! Who may do what: the cookies that remember a group or the facilitator,
//! the form token every state-changing request carries, the origin check,
//! the rate limit on wrong join codes, and the limit on request bodies.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};

/// The cookie that remembers a group (its join code).
pub const GROUP_COOKIE: &str = "vignette_group";
/// The cookie that remembers the facilitator (the token).
pub const FACILITATOR_COOKIE: &str = "vignette_facilitator";

/// The largest request body accepted, in bytes: far above the longest
/// answer a prompt allows, far below what could hurt the server.
pub const MAX_BODY: usize = 64 * 1024;

/// Wrong join codes a client may send per window before it must wait.
const MAX_WRONG_CODES: u32 = 10;
const WINDOW: Duration = Duration::from_secs(60);

/// Wrong join codes per client address.
#[derive(Default)]
pub struct Limits {
    wrong: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Limits {
    /// Whether `client` may try a code now.
    pub fn may_try(&self, client: IpAddr) -> bool {
        let wrong = self.wrong.lock().unwrap_or_else(|e| e.into_inner());
        match wrong.get(&client) {
            Some((since, count)) => since.elapsed() > WINDOW || *count < MAX_WRONG_CODES,
            None => true,
        }
    }

    /// Counts a wrong code from `client`.
    pub fn wrong_code(&self, client: IpAddr) {
        let mut wrong = self.wrong.lock().unwrap_or_else(|e| e.into_inner());
        if wrong.len() > 10_000 {
            wrong.retain(|_, (since, _)| since.elapsed() <= WINDOW);
        }
        let entry = wrong.entry(client).or_insert((Instant::now(), 0));
        if entry.0.elapsed() > WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole site.
pub fn set_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict")
}

/// The form token of whoever holds `credential` (a join code or the
/// facilitator token): a keyed hash the server can recompute and a page
/// from another site cannot know (it knows neither the credential, kept in
/// an HttpOnly cookie, nor the key).
pub fn form_token(key: &str, credential: &str) -> String {
    crate::session::content_hash(&format!("{key}\u{0}{credential}"))[..32].to_string()
}

/// The key of a group's form token: the same in every run of the server,
/// so that a page opened before a restart still saves after it (its code,
/// the secret part, is the same too).
pub const GROUP_KEY: &str = "vignette group form";

/// Compares two tokens in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether a state-changing request comes from this site's own pages: its
/// `Origin` (or, without one, `Sec-Fetch-Site`) must not name another site.
/// A request with neither (a program, not a browser) passes here and must
/// still carry the form token.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        return origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|o| !host.is_empty() && o == host);
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vignette_group=KXR4TWPMA; b=2"),
        );
        assert_eq!(cookie(&headers, GROUP_COOKIE), Some("KXR4TWPMA"));
        assert_eq!(cookie(&headers, FACILITATOR_COOKIE), None);
    }

    #[test]
    fn another_origin_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.remove(header::ORIGIN);
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers));
    }

    #[test]
    fn wrong_codes_are_limited_per_client() {
        let limits = Limits::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..MAX_WRONG_CODES {
            assert!(limits.may_try(a));
            limits.wrong_code(a);
        }
        assert!(!limits.may_try(a));
        assert!(limits.may_try(b));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert_ne!(form_token("s", "A"), form_token("s", "B"));
    }
}
