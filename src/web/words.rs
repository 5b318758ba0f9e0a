//! The web face's own words in one language (nb, nn, en): every word a
//! participant or facilitator reads that is not the case itself, taken
//! from the `web` section of the message catalogue (`src/messages/`), whose
//! test checks that every language has every key. The pages read them as
//! fields, so a word a template asks for that does not exist fails to
//! compile rather than to show.

use std::sync::OnceLock;

use serde::Serialize;

use crate::messages;

/// The words of the pages, in one language.
#[derive(Debug, Serialize)]
pub struct Words {
    pub lang: &'static str,
    pub join_title: &'static str,
    pub join_intro: &'static str,
    pub code_label: &'static str,
    pub join_button: &'static str,
    pub wrong_code: &'static str,
    pub too_many_tries: &'static str,
    pub group: &'static str,
    pub case: &'static str,
    pub stage: &'static str,
    pub of: &'static str,
    pub waiting: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub saving: &'static str,
    pub not_saved: &'static str,
    pub save_failed: &'static str,
    pub offline: &'static str,
    pub locked: &'static str,
    pub closed: &'static str,
    pub choose_between: &'static str,
    pub rank_hint: &'static str,
    pub rank_partial: &'static str,
    pub rank_place: &'static str,
    pub rank_distinct: &'static str,
    pub too_long: &'static str,
    pub empty: &'static str,
    pub not_valid: &'static str,
    pub not_shown: &'static str,
    pub body_too_large: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    pub login_again: &'static str,
    pub max_characters: &'static str,
    pub dashboard: &'static str,
    pub projector: &'static str,
    pub reveal_all: &'static str,
    pub reveal_one: &'static str,
    pub lock_all: &'static str,
    pub close_session: &'static str,
    pub close_confirm: &'static str,
    pub new_code: &'static str,
    pub code: &'static str,
    pub answers: &'static str,
    pub no_answers: &'static str,
    pub all_shown: &'static str,
    pub session: &'static str,
    pub step_address: &'static str,
    pub step_code: &'static str,
    pub step_wait: &'static str,
    pub show_codes: &'static str,
    pub hide_codes: &'static str,
    pub live: &'static str,
}

/// The languages of the web face; the first is the default.
const LANGUAGES: [&str; 3] = ["nb", "nn", "en"];

/// The words of a language (`nb`, `nn`, `en`); bokmål for any other.
pub fn words(language: &str) -> &'static Words {
    static ALL: OnceLock<[Words; 3]> = OnceLock::new();
    let all = ALL.get_or_init(|| LANGUAGES.map(from_catalogue));
    let index = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
    &all[index]
}

/// The words of `lang` from the catalogue's `web` section.
fn from_catalogue(lang: &'static str) -> Words {
    let catalogue = messages::of(lang);
    let text = |key: &str| catalogue.lookup(&format!("web.{key}")).unwrap_or_default();
    Words {
        lang,
        join_title: text("join_title"),
        join_intro: text("join_intro"),
        code_label: text("code_label"),
        join_button: text("join_button"),
        wrong_code: text("wrong_code"),
        too_many_tries: text("too_many_tries"),
        group: text("group"),
        case: text("case"),
        stage: text("stage"),
        of: text("of"),
        waiting: text("waiting"),
        save: text("save"),
        saved: text("saved"),
        saving: text("saving"),
        not_saved: text("not_saved"),
        save_failed: text("save_failed"),
        offline: text("offline"),
        locked: text("locked"),
        closed: text("closed"),
        choose_between: text("choose_between"),
        rank_hint: text("rank_hint"),
        rank_partial: text("rank_partial"),
        rank_place: text("rank_place"),
        rank_distinct: text("rank_distinct"),
        too_long: text("too_long"),
        empty: text("empty"),
        not_valid: text("not_valid"),
        not_shown: text("not_shown"),
        body_too_large: text("body_too_large"),
        forbidden: text("forbidden"),
        not_found: text("not_found"),
        login_again: text("login_again"),
        max_characters: text("max_characters"),
        dashboard: text("dashboard"),
        projector: text("projector"),
        reveal_all: text("reveal_all"),
        reveal_one: text("reveal_one"),
        lock_all: text("lock_all"),
        close_session: text("close_session"),
        close_confirm: text("close_confirm"),
        new_code: text("new_code"),
        code: text("code"),
        answers: text("answers"),
        no_answers: text("no_answers"),
        all_shown: text("all_shown"),
        session: text("session"),
        step_address: text("step_address"),
        step_code: text("step_code"),
        step_wait: text("step_wait"),
        show_codes: text("show_codes"),
        hide_codes: text("hide_codes"),
        live: text("live"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_every_language_comes_from_the_catalogue() {
        for lang in LANGUAGES {
            let words = words(lang);
            let value = serde_json::to_value(words).unwrap();
            for (key, text) in value.as_object().unwrap() {
                let text = text.as_str().unwrap();
                assert!(!text.trim().is_empty(), "{} {key}", words.lang);
                if key != "lang" {
                    let said = messages::of(lang).lookup(&format!("web.{key}"));
                    assert_eq!(Some(text), said, "{lang} {key} from the catalogue");
                }
            }
        }
        assert_eq!(words("nn").lang, "nn");
        assert_eq!(words("nn").join_title, "Bli med i økta");
        assert_eq!(words("xx").lang, "nb");
    }
}
