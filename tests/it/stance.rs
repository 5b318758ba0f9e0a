//! Issue 16's examples: answers that name the right things without doing
//! them earn what a careful rater gives from the descriptors, and good
//! answers raise no red flag. Each row is one plain answer to one prompt.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vignette::bank::{self, Bank, BankSource, PhraseRule};
use vignette::scoring::{ScoreCard, Scorer};

fn bank() -> Bank {
    bank::load(&BankSource::Embedded).unwrap().0
}

fn card(bank: &Bank, vignette: &str, language: &str, answers: Value) -> ScoreCard {
    let v = &bank.vignette(vignette).unwrap().item;
    let r = &bank.rubric_for(vignette).unwrap().item;
    let answers: BTreeMap<String, Value> = serde_json::from_value(answers).unwrap();
    Scorer::new(r, v, language).score(&answers)
}

/// (vignette, language, prompt, answer, criterion, a level a rater gives).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u8,
);

/// The card of a case's answer, and the level it gives the case's criterion.
fn scored(
    bank: &Bank,
    (vignette, language, prompt, answer, criterion, _): &Case,
) -> (ScoreCard, u8) {
    let card = card(bank, vignette, language, json!({ *prompt: answer }));
    let got = level(&card, criterion);
    (card, got)
}

/// Each case earns at most its level.
fn assert_at_most(cases: &[Case]) {
    let bank = bank();
    for case in cases {
        let (vignette, language, _, answer, criterion, most) = case;
        let (_, got) = scored(&bank, case);
        assert!(
            got <= *most,
            "{vignette} {language} `{answer}`: {criterion} {got}, a rater gives at most {most}"
        );
    }
}

/// What the answer's own evidence earns a criterion: its level before
/// profile rules, which read the rest of the card (these answers of a line
/// or a choice have almost none; `profile_rules_*` test those rules).
fn level(card: &ScoreCard, prefix: &str) -> u8 {
    card.criteria
        .iter()
        .find(|c| c.id.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix}"))
        .before_profile()
}

/// (vignette, language, prompt, answer, criterion, the most a rater gives).
const FALSE_CREDIT: &[Case] = &[
    // Hedged: maybe, perhaps, could.
    ("V2", "nb", "s1_do", "Kanskje varsler vi rektor.", "D5", 0),
    (
        "V2",
        "nb",
        "s1_do",
        "Vi kunne eventuelt varslet rektor.",
        "D5",
        0,
    ),
    ("V2", "nn", "s1_do", "Vi kan hende varslar rektor.", "D5", 0),
    ("V2", "en", "s1_do", "Maybe we tell the principal.", "D5", 0),
    (
        "V2",
        "en",
        "s1_do",
        "We could perhaps tell the principal.",
        "D5",
        0,
    ),
    ("V2", "en", "s1_do", "We might tell the principal.", "D5", 0),
    (
        "V5",
        "nb",
        "s3_do",
        "Vi håper å unngå at han går til statsforvalteren.",
        "H7",
        0,
    ),
    (
        "V5",
        "nn",
        "s3_do",
        "Vi håpar å unngå at han går til statsforvaltaren.",
        "H7",
        0,
    ),
    (
        "V4",
        "nb",
        "s3_do",
        "Vi håper å unngå at de går til statsforvalteren.",
        "H7",
        0,
    ),
    (
        "V4",
        "nb",
        "s3_do",
        "Vi venter med å kontakte skoleeier.",
        "H7",
        0,
    ),
    (
        "V4",
        "nn",
        "s3_do",
        "Vi ventar med å kontakte skuleeigaren.",
        "H7",
        0,
    ),
    ("V5", "nb", "s2_do", "Vi venter og ser om to uker.", "H6", 0),
    (
        "V5",
        "nb",
        "s1_do",
        "Vi varsler rektor hvis det fortsetter.",
        "D5",
        0,
    ),
    (
        "V5",
        "en",
        "s1_do",
        "We tell the principal if it happens again.",
        "D5",
        0,
    ),
    (
        "V3",
        "nb",
        "s1_do",
        "Å si fra til rektor i dag blir for tidlig.",
        "D5",
        0,
    ),
    (
        "V5",
        "nb",
        "s1_involve",
        "Faren kan dokumentere det selv.",
        "H8",
        0,
    ),
    // Parents named, nobody contacts them (rubrics 1.5.0: a bare noun is no evidence).
    (
        "V1",
        "nb",
        "s2_do",
        "Foreldrene kan ordne opp seg imellom.",
        "H4",
        0,
    ),
    ("V3", "nb", "s1_involve", "Rektor og foreldrene.", "H4", 0),
    // A talk alone, but with the colleague, not the child.
    (
        "V6",
        "nb",
        "s1_do",
        "Vi tar en prat med Berit på tomannshånd.",
        "D2",
        0,
    ),
    ("V3", "nb", "s1_involve", "Rektor og foreldrene.", "D5", 0),
    // Rubric V8 1.17.0: the mother's feelings are not the children's voice,
    // a body named is not going further, and Camilla speaking is not the
    // group answering her.
    (
        "V8",
        "en",
        "s2_do",
        "We acknowledge Camilla's concern and validate her feelings.",
        "P7",
        0,
    ),
    (
        "V8",
        "nb",
        "s3_involve",
        "Kommunedirektøren har ansvaret.",
        "H6",
        0,
    ),
    (
        "V8",
        "nb",
        "s2_do",
        "Camilla sier til Randi at Teodor er redd.",
        "H4",
        0,
    ),
];

#[test]
fn named_deferred_hoped_and_conditional_actions_earn_nothing() {
    assert_at_most(FALSE_CREDIT);
}

/// (vignette, language, prompt, answer, criterion, the level a rater gives).
const GOOD: &[Case] = &[
    (
        "V5",
        "nb",
        "s1_do",
        "Vi må ikke anta at det er problemer hjemme. Vi undersøker saken i dag.",
        "D6",
        2,
    ),
    (
        "V2",
        "nb",
        "s1_do",
        "Vi venter ikke og varsler rektor i dag.",
        "D5",
        2,
    ),
    (
        "V2",
        "nb",
        "s1_do",
        "Vi venter med å ringe foreldrene og varsler rektor i dag.",
        "D5",
        2,
    ),
    // A hedge reaches no further than its clause.
    (
        "V2",
        "nb",
        "s1_do",
        "Kanskje er det mer bak, men vi varsler rektor i dag.",
        "D5",
        2,
    ),
    // Separate talks with the children still count beside the parents'
    // own talk in another clause.
    (
        "V1",
        "nb",
        "s2_do",
        "Vi snakker med Sara, Ida og Nora hver for seg, og foreldrene får møte oss etterpå.",
        "H3",
        2,
    ),
    (
        "V5",
        "nn",
        "s2_do",
        "Vi tek ein samtale med kvar av gutane, ein og ein.",
        "H3",
        2,
    ),
];

/// Good practice in plain words, from the issue's list of answers the
/// scorer gave no or too little credit (rubric 1.3.0 and the shared
/// lexicon in `lexicons/shared.json`), with the level a rater gives from
/// the descriptors.
const PLAIN_WORDS: &[Case] = &[
    ("V2", "nb", "s1_do", "Rektor må varsles i dag.", "D5", 2),
    ("V2", "nn", "s1_do", "Rektor må varslast i dag.", "D5", 2),
    (
        "V2",
        "nb",
        "s1_do",
        "Vi tar det opp med rektor i dag.",
        "D5",
        2,
    ),
    (
        "V2",
        "nb",
        "s1_do",
        "Martin melder saken til rektor straks.",
        "D5",
        2,
    ),
    (
        "V2",
        "nb",
        "s1_do",
        "Kontaktlæreren har varslet rektor.",
        "D5",
        2,
    ),
    (
        "V2",
        "en",
        "s1_do",
        "We raise it with the principal today.",
        "D5",
        2,
    ),
    (
        "V3",
        "nb",
        "s1_do",
        "Vi snakker med guttene, enkeltsamtaler med hver av dem.",
        "H3",
        2,
    ),
    ("V2", "nb", "s1_do", "Vi lager en 9A-plan.", "H5", 1),
    (
        "V2",
        "nb",
        "s1_do",
        "Vi evaluerer tiltakene om 14 dager.",
        "H6",
        2,
    ),
    (
        "V3",
        "nb",
        "s2_do",
        "Vi anmelder forholdet til politiet.",
        "H7",
        2,
    ),
    (
        "V3",
        "nb",
        "s2_do",
        "Skolen vil politianmelde filmingen.",
        "H7",
        2,
    ),
    (
        "V5",
        "nb",
        "s2_do",
        "Vi forteller faren om mobbeombudet.",
        "H7",
        1,
    ),
    ("V2", "nb", "s1_do", "Vi skriver alt inn i Vigilo.", "H8", 2),
    (
        "V2",
        "nb",
        "s1_record",
        "Det blir en avviksmelding.",
        "H8",
        1,
    ),
    // The children heard, in general words (level 1 of V8's
    // P7_childrens_participation; as groups of development sets 2, 7 and 8 put it).
    (
        "V8",
        "nb",
        "s3_prevent",
        "Vi spør barna hvordan de har det.",
        "P7",
        1,
    ),
    (
        "V8",
        "nn",
        "s3_prevent",
        "Vi spør barna korleis dei har det.",
        "P7",
        1,
    ),
    (
        "V8",
        "nb",
        "s3_prevent",
        "Vi lytter mer til barna selv, også de minste.",
        "P7",
        1,
    ),
    (
        "V8",
        "nb",
        "s3_prevent",
        "Jevnlig observasjon og samtaler med barna om hvordan de har det.",
        "P7",
        1,
    ),
    (
        "V8",
        "en",
        "s3_prevent",
        "We ask the children how they are getting on.",
        "P7",
        1,
    ),
    // Rubric V8 1.17.0, from development sets 1–8 and 13 (the thirteenth
    // after its one measurement): nynorsk "borna", and a passive.
    (
        "V8",
        "nn",
        "s3_prevent",
        "Vi spør borna sjølve korleis dei har det i barnehagen.",
        "P7",
        1,
    ),
    (
        "V8",
        "nb",
        "s3_prevent",
        "Barna spørres om hvordan de har det, på en måte som passer for fireåringer.",
        "P7",
        1,
    ),
    // Going further after the owner's reply and seeing that it stops (H6).
    (
        "V8",
        "nb",
        "s3_do",
        "Randi skriver videre til kommunedirektøren. På Maurtua passer vi på at ingen barn blir satt alene på kontoret.",
        "H6",
        2,
    ),
    (
        "V8",
        "nn",
        "s3_do",
        "Randi skriv vidare til styret. Vi passar på Teodor og den andre guten.",
        "H6",
        2,
    ),
    (
        "V8",
        "en",
        "s3_do",
        "We don't drop it: Randi goes over Arne Lie's head to the board.",
        "H6",
        1,
    ),
    // What Oliver has seen, gathered (D3), and with Camilla's account (level 2).
    (
        "V8",
        "nb",
        "s2_involve",
        "Oliver må fortelle det han vet.",
        "D3",
        1,
    ),
    (
        "V8",
        "nn",
        "s2_record",
        "Det Oliver har sett og det Camilla fortalde, med dato.",
        "D3",
        2,
    ),
    // A log of incidents (D4), and Camilla answered (H4).
    (
        "V8",
        "nb",
        "s3_record",
        "Alt i én tidslinje med datoer.",
        "D4",
        1,
    ),
    (
        "V8",
        "nn",
        "s2_do",
        "Me seier til Camilla at det er meldt vidare og at ho får svar snart.",
        "H4",
        2,
    ),
    (
        "V8",
        "en",
        "s2_do",
        "We tell Camilla we take her question seriously.",
        "H4",
        1,
    ),
];

#[test]
fn good_practice_in_plain_words_earns_its_level() {
    let bank = bank();
    for case in PLAIN_WORDS {
        let (vignette, language, _, answer, criterion, expected) = case;
        let (_, got) = scored(&bank, case);
        assert_eq!(
            got, *expected,
            "{vignette} {language} `{answer}`: {criterion}"
        );
    }
}

#[test]
fn good_practice_around_a_negation_or_a_deferral_keeps_its_credit() {
    let bank = bank();
    for case in GOOD {
        let (vignette, language, _, answer, criterion, expected) = case;
        let (card, got) = scored(&bank, case);
        assert_eq!(
            got, *expected,
            "{vignette} {language} `{answer}`: {criterion}"
        );
        assert!(
            card.red_flags.is_empty(),
            "`{answer}` raised {:?}",
            card.red_flags
        );
    }
}

#[test]
fn a_bound_phrase_counts_only_with_its_action_in_the_same_clause() {
    let bank = bank();
    let vignette = &bank.vignette("V2").unwrap().item;
    let mut rubric = bank.rubric_for("V2").unwrap().item.clone();
    criterion_mut(&mut rubric, "D5").evidence.phrases = vec![PhraseRule {
        level: 2,
        prompts: None,
        terms: [("nb".to_string(), vec!["rektor".to_string()])].into(),
        with: Some([("nb".to_string(), vec!["tar det opp".to_string()])].into()),
        with_first: false,
        without: None,
        elements: None,
    }];
    criterion_mut(&mut rubric, "D5").evidence.options.clear();
    let scorer = Scorer::new(&rubric, vignette, "nb");
    let level_of = |answer: &str| {
        let answers = BTreeMap::from([("s1_do".to_string(), json!(answer))]);
        level(&scorer.score(&answers), "D5")
    };
    assert_eq!(level_of("Vi tar det opp med rektor i dag."), 2);
    assert_eq!(
        level_of("Rektor tar det opp med oss i dag."),
        2,
        "in either order"
    );
    assert_eq!(level_of("Rektor er på kurs."), 0, "the object alone");
    assert_eq!(
        level_of("Vi tar det opp i teamet, og rektor er på kurs."),
        0,
        "another clause"
    );
    assert_eq!(level_of("Vi tar det ikke opp med rektor."), 0, "denied");

    criterion_mut(&mut rubric, "D5").evidence.phrases[0].with_first = true;
    let scorer = Scorer::new(&rubric, vignette, "nb");
    let level_of = |answer: &str| {
        let answers = BTreeMap::from([("s1_do".to_string(), json!(answer))]);
        level(&scorer.score(&answers), "D5")
    };
    assert_eq!(level_of("Vi tar det opp med rektor i dag."), 2);
    assert_eq!(
        level_of("Rektor tar det opp med oss i dag."),
        0,
        "with_first: the principal acts, nobody tells the principal"
    );
}

#[test]
fn an_excluded_phrase_does_not_count_beside_its_without_term() {
    let bank = bank();
    let vignette = &bank.vignette("V1").unwrap().item;
    let mut rubric = bank.rubric_for("V1").unwrap().item.clone();
    let nb = |terms: &[&str]| -> vignette::bank::Terms {
        [(
            "nb".to_string(),
            terms.iter().map(|t| t.to_string()).collect(),
        )]
        .into()
    };
    let h3 = criterion_mut(&mut rubric, "H3");
    h3.evidence.phrases = vec![PhraseRule {
        level: 2,
        prompts: None,
        terms: nb(&["hver for seg"]),
        with: None,
        with_first: false,
        without: Some(nb(&["foreldrene"])),
        elements: None,
    }];
    h3.evidence.ranks.clear();
    let scorer = Scorer::new(&rubric, vignette, "nb");
    let level_of = |answer: &str| {
        let answers = BTreeMap::from([("s2_do".to_string(), json!(answer))]);
        level(&scorer.score(&answers), "H3")
    };
    assert_eq!(level_of("Vi snakker med barna hver for seg."), 2);
    assert_eq!(level_of("Foreldrene får møte hver for seg."), 0);
    assert_eq!(
        level_of("Hver for seg møter vi foreldrene."),
        0,
        "in either order"
    );
    assert_eq!(
        level_of("Vi snakker med barna hver for seg, og foreldrene får beskjed."),
        2,
        "another clause"
    );
}

/// The rubric's criterion whose id starts with `prefix`.
fn criterion_mut<'r>(
    rubric: &'r mut vignette::bank::Rubric,
    prefix: &str,
) -> &'r mut vignette::bank::Criterion {
    rubric
        .criteria
        .iter_mut()
        .find(|c| c.id.starts_with(prefix))
        .unwrap()
}

#[test]
fn a_conjunction_needs_enough_of_its_elements() {
    let bank = bank();
    let vignette = &bank.vignette("V2").unwrap().item;
    let mut rubric = bank.rubric_for("V2").unwrap().item.clone();
    let h5 = criterion_mut(&mut rubric, "H5");
    let element = |terms: &[&str]| -> vignette::bank::Terms {
        [(
            "nb".to_string(),
            terms.iter().map(|t| t.to_string()).collect(),
        )]
        .into()
    };
    h5.evidence.phrases = vec![PhraseRule {
        level: 2,
        prompts: None,
        terms: Default::default(),
        with: None,
        with_first: false,
        without: None,
        elements: Some(vignette::bank::Elements {
            at_least: 3,
            of: vec![
                element(&["tiltak*"]),
                element(&["ansvarlig"]),
                element(&["evaluer*"]),
                element(&["skriftlig*"]),
            ],
        }),
    }];
    h5.evidence.options.clear();
    h5.evidence.ranks.clear();
    let scorer = Scorer::new(&rubric, vignette, "nb");
    let level_of = |answer: &str| {
        let answers = BTreeMap::from([("s2_do".to_string(), json!(answer))]);
        level(&scorer.score(&answers), "H5")
    };
    assert_eq!(
        level_of("Planen har tiltak og en ansvarlig, og vi evaluerer etter en uke."),
        2
    );
    assert_eq!(
        level_of("Planen har tiltak, tiltak og flere tiltak, og en ansvarlig."),
        0,
        "two elements"
    );
    assert_eq!(
        level_of("Planen har tiltak og en ansvarlig, men vi evaluerer den ikke."),
        0,
        "a denied element does not count"
    );
}

/// The rest of issue 16's examples of false credit, with the most a rater
/// gives (rubrics 1.6.0; the issue's "Geir" in V4 is "Arve" since 1.1.0).
const ISSUE_FALSE_CREDIT: &[Case] = &[
    (
        "V6",
        "nb",
        "s3_do",
        "Vi sier fra til barnehageeieren.",
        "H7",
        1,
    ),
    ("V6", "en", "s3_do", "The owner.", "H7", 1),
    (
        "V1",
        "nb",
        "s1_do",
        "Det er vanlig utestenging i den alderen, det går over.",
        "D1",
        0,
    ),
    (
        "V3",
        "nb",
        "s1_do",
        "Vi ringer foreldrene med en gang, men det er guttetøys.",
        "D1",
        1,
    ),
    ("V5", "nb", "s3_do", "Vi venter og ser om to uker.", "H6", 0),
    (
        "V5",
        "nb",
        "s2_do",
        "Vi beklager at faren opplever det slik.",
        "H4",
        0,
    ),
    ("V6", "nb", "s1_do", "Det gjør ingenting.", "H1", 0),
    (
        "V2",
        "nb",
        "s1_do",
        "13-årsgrense, det er foreldrenes ansvar.",
        "P5",
        0,
    ),
    (
        "V5",
        "nb",
        "s1_do",
        "Kroppsøvingslæreren og andre lærere.",
        "D3",
        1,
    ),
    (
        "V5",
        "nb",
        "s1_record",
        "Faren har logget inn på Visma.",
        "H8",
        0,
    ),
    (
        "V1",
        "nb",
        "s3_prevent",
        "Vennskap skifter i den alderen.",
        "P3",
        0,
    ),
    // Another person's doing (the case's `other_people`), not the group's.
    ("V4", "nb", "s1_do", "Arve føler seg krenket.", "D1", 0),
    ("V6", "nb", "s1_do", "Berit føler seg krenket.", "D1", 0),
    (
        "V6",
        "nb",
        "s3_prevent",
        "Berit har god relasjon til barna.",
        "P2",
        0,
    ),
    (
        "V1",
        "nb",
        "s2_do",
        "Linda kan ringe Saras foreldre.",
        "H4",
        0,
    ),
    // V5 has no Berit: she reads as a colleague, and a relationship named
    // without how it is built is level 1 by V5's own descriptor.
    (
        "V5",
        "nb",
        "s3_prevent",
        "Berit har god relasjon til barna.",
        "P2",
        1,
    ),
    // Parents meeting one at a time are not separate talks with the children
    // (`without` the parents in the clause).
    (
        "V1",
        "nb",
        "s2_do",
        "Foreldrene får møte hver for seg.",
        "H3",
        1,
    ),
    (
        "V1",
        "nn",
        "s2_do",
        "Foreldra får møte kvar for seg.",
        "H3",
        1,
    ),
    (
        "V2",
        "nb",
        "s2_do",
        "Foreldrene får møte hver for seg.",
        "H3",
        1,
    ),
    (
        "V3",
        "nb",
        "s2_do",
        "Foreldrene får møte hver for seg.",
        "H3",
        1,
    ),
    (
        "V5",
        "nb",
        "s2_do",
        "Foreldrene får møte hver for seg.",
        "H3",
        1,
    ),
    (
        "V5",
        "en",
        "s2_do",
        "The parents meet the school separately.",
        "H3",
        1,
    ),
];

#[test]
fn the_issues_false_credit_is_gone() {
    assert_at_most(ISSUE_FALSE_CREDIT);
}

/// Good answers that raised a red flag (issue 16), with the level a rater
/// gives at least: now they raise none.
const GOOD_WITHOUT_FLAGS: &[Case] = &[
    (
        "V4",
        "nb",
        "s1_do",
        "Line sier til Arve at hun har varslet rektor, for å ikke gå bak ryggen hans.",
        "D5",
        2,
    ),
    (
        "V1",
        "nb",
        "s2_do",
        "Hanne ber Linda avvente med å ringe Saras foreldre, og går bort til barna med en gang.",
        "H1",
        1,
    ),
    (
        "V2",
        "nb",
        "s3_prevent",
        "Vi tar det opp i et felles møte med foreldrene på trinnet.",
        "P5",
        0,
    ),
    (
        "V3",
        "nb",
        "s3_prevent",
        "Vi vil ha godt samarbeid mellom foreldrene og skolen.",
        "P5",
        0,
    ),
    ("V3", "nb", "s1_do", "Saken må undersøkes.", "D6", 1),
    ("V3", "nn", "s1_do", "Saka må undersøkjast.", "D6", 1),
    (
        "V5",
        "nb",
        "s1_do",
        "Emma kan ha ufrivillig skolefravær, det er et alvorlig tegn.",
        "D1",
        1,
    ),
    (
        "V5",
        "nb",
        "s3_prevent",
        "God klasseledelse: vi griper inn hver gang.",
        "P2",
        2,
    ),
    (
        "V1",
        "nb",
        "s3_prevent",
        "Flere voksne på gulvet i utetida.",
        "P4",
        1,
    ),
    (
        "V1",
        "nb",
        "s1_do",
        "Vi gjør observasjon over tid.",
        "D3",
        1,
    ),
];

#[test]
fn good_answers_raise_no_flag_and_earn_their_level() {
    let bank = bank();
    for case in GOOD_WITHOUT_FLAGS {
        let (vignette, language, _, answer, criterion, least) = case;
        let (card, got) = scored(&bank, case);
        assert!(
            card.red_flags.is_empty(),
            "{vignette} `{answer}` raised {:?}",
            card.red_flags
        );
        assert!(
            got >= *least,
            "{vignette} {language} `{answer}`: {criterion} {got}, a rater gives at least {least}"
        );
    }
}

/// A comma between people named is a list, not a clause the next person
/// opens: the group still asks; a clause a person opens is theirs.
#[test]
fn a_list_of_people_named_does_not_make_them_the_actors() {
    let bank = bank();
    let listed: Case = (
        "V10",
        "nb",
        "s1_do",
        "Vi snakker med Sigurd, Frida og Ludvig hver for seg og spør de andre voksne hva de har sett.",
        "D3",
        2,
    );
    let theirs: Case = (
        "V10",
        "nb",
        "s1_do",
        "Vi har snakket med Sigurd. Frida spør de andre voksne hva de har sett.",
        "D3",
        0,
    );
    for case in [listed, theirs] {
        let (_, got) = scored(&bank, &case);
        assert_eq!(got, case.5, "`{}`: {}", case.3, case.4);
    }
}

/// The examples above pin what a phrase earns. A criterion is then read
/// against the rest of the card (profile rules, calibrated on the raters):
/// a good phrase keeps its level in an answer that does the rest of the
/// work, and is read down in an answer that does nothing else, as the
/// raters read such answers.
#[test]
fn a_good_phrase_keeps_its_level_in_an_answer_that_does_the_rest() {
    let bank = bank();
    let phrase = "Vi sier fra til rektor i dag.";
    let strong = json!({
        "s1_do": format!("Martin snakker med Lea alene i dag og spør hvordan hun har det. {phrase} Vi skriver ned hva Lea forteller, med dato."),
        "s1_first_action": "talk_with_lea",
        "s1_seriousness": 5,
        "s1_record": "Notat i elevmappa med dato, hva som ble sagt og hvem som var der.",
        "s2_reply": "explain_duty",
        "s2_measures": ["activity_plan", "separate_talks", "class_program", "parent_meeting", "lea_home", "joint_meeting"],
        "s2_do": "Vi lager en aktivitetsplan med tiltak, hvem som har ansvar og når den skal evalueres. Foreldrene til Lea blir invitert til møte denne uka.",
        "s3_next_steps": ["continue_plan", "talk_each_pupil", "mapping", "lunch_groups"],
        "s3_do": "Vi evaluerer planen om to uker sammen med Lea og foreldrene, og følger opp med samtaler med hver elev.",
        "s3_prevent": "Klassen lager trivselsregler sammen, og vi har nettvett i klassen. Voksne er ute i friminuttene.",
    });
    let strong = card(&bank, "V2", "nb", strong);
    let d5 = strong
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    assert_eq!(
        (d5.earned, d5.level, d5.profile),
        (2, 2, None),
        "{:?}",
        strong
            .criteria
            .iter()
            .map(|c| (&c.id, c.level))
            .collect::<Vec<_>>()
    );
    let alone = card(&bank, "V2", "nb", json!({ "s1_do": phrase }));
    let d5 = alone
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    assert_eq!((d5.earned, d5.level), (2, 1));
    assert_eq!(d5.profile.map(|p| p.from), Some(2));
}
