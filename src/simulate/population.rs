//! Who takes part in a simulated study: sites with their offering and
//! attributes, groups with their role mix and writing style, and the latent
//! competence θ of each group at each phase, with the planted effects.
//!
//! Not for sessions or answers: this draws people and numbers only.

use std::collections::BTreeMap;
use std::fmt;

use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::bank::{SiteAttribute, Study};

use super::answers::Style;
use super::normal;

/// The site attribute whose values say which vignettes and roles fit a site.
pub(super) const SECTOR: &str = "sector";

/// Role mixes by sector: the staff who meet the children, their leader and
/// the owner's staff (roles the study lacks are left out).
const ROLE_MIXES: [(&str, [&str; 3]); 2] = [
    (
        "kindergarten",
        ["kindergarten_staff", "kindergarten_head", "municipal"],
    ),
    ("school", ["teacher", "principal", "municipal"]),
];

/// Chance that a group has the leader at the table, and the owner's staff.
const LEADER_CHANCE: f64 = 0.4;
const OWNER_CHANCE: f64 = 0.15;
/// Chance that a group in a bokmål session writes nynorsk, and writes lists.
const NYNORSK_CHANCE: f64 = 0.2;
const LIST_CHANCE: f64 = 0.4;

/// Counties for a string attribute named `county`.
const COUNTIES: [&str; 15] = [
    "Agder",
    "Akershus",
    "Buskerud",
    "Finnmark",
    "Innlandet",
    "Møre og Romsdal",
    "Nordland",
    "Oslo",
    "Rogaland",
    "Telemark",
    "Troms",
    "Trøndelag",
    "Vestfold",
    "Vestland",
    "Østfold",
];

/// A planted effect on θ in standard deviations: `KEY=LEVEL:SIZE`.
///
/// Keys: `offering` (its gain by the study's last phase, growing linearly
/// from 0 at the first), `phase` (a gain for everyone in that phase), `role`
/// (times the group's share of that role) or a site attribute with listed
/// values (for sites with that value).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    pub key: String,
    pub level: String,
    pub size: f64,
}

impl std::str::FromStr for Effect {
    type Err = String;

    fn from_str(text: &str) -> Result<Effect, String> {
        let expected = || {
            format!(
                "expected KEY=LEVEL:SIZE, e.g. offering=laeringsmiljoprosjektet:0.6; got `{text}`"
            )
        };
        let (key, rest) = text.split_once('=').ok_or_else(expected)?;
        let (level, size) = rest.rsplit_once(':').ok_or_else(expected)?;
        let size: f64 = size
            .trim()
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite())
            .ok_or_else(expected)?;
        let (key, level) = (key.trim(), level.trim());
        if key.is_empty() || level.is_empty() {
            return Err(expected());
        }
        Ok(Effect {
            key: key.to_string(),
            level: level.to_string(),
            size,
        })
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}:{}", self.key, self.level, self.size)
    }
}

/// Default gains of the study's offerings by its last phase, in study order
/// (0.1 for any further offering).
const OFFERING_GAINS: [f64; 3] = [0.6, 0.4, 0.2];

/// The effects planted when none are asked for: each offering gains, the
/// study's first the most (0.6, 0.4, 0.2, then 0.1 each), and everyone
/// gains 0.2 at the last phase.
pub fn default_effects(study: &Study) -> Vec<Effect> {
    let offerings = study.offerings.iter().enumerate().map(|(i, o)| Effect {
        key: "offering".to_string(),
        level: o.id.clone(),
        size: OFFERING_GAINS.get(i).copied().unwrap_or(0.1),
    });
    let last_phase = study
        .phases
        .last()
        .filter(|_| study.phases.len() > 1)
        .map(|p| Effect {
            key: "phase".to_string(),
            level: p.id.clone(),
            size: 0.2,
        });
    offerings.chain(last_phase).collect()
}

/// The levels an effect key can take in the study; `None` for an unknown key.
fn levels_of<'s>(study: &'s Study, key: &str) -> Option<Vec<&'s str>> {
    let ids = |items: &'s [crate::bank::Labelled]| items.iter().map(|i| i.id.as_str()).collect();
    match key {
        "offering" => Some(ids(&study.offerings)),
        "phase" => Some(ids(&study.phases)),
        "role" => Some(ids(&study.roles)),
        _ => study
            .site_attributes
            .iter()
            .find(|a| a.id == key)
            .and_then(|a| a.values.as_deref())
            .map(ids),
    }
}

/// Checks that every effect names a key and level of the study, once.
pub(super) fn check_effects(study: &Study, effects: &[Effect]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for effect in effects {
        let Some(levels) = levels_of(study, &effect.key) else {
            let mut keys = vec!["offering", "phase", "role"];
            keys.extend(
                study
                    .site_attributes
                    .iter()
                    .filter(|a| a.values.is_some())
                    .map(|a| a.id.as_str()),
            );
            return Err(format!(
                "effect `{effect}`: unknown key `{}`; expected one of: {}",
                effect.key,
                keys.join(", ")
            ));
        };
        if !levels.contains(&effect.level.as_str()) {
            return Err(format!(
                "effect `{effect}`: the study has no {} `{}`; expected one of: {}",
                effect.key,
                effect.level,
                levels.join(", ")
            ));
        }
        if !seen.insert((&effect.key, &effect.level)) {
            return Err(format!(
                "effect {}={} is given twice",
                effect.key, effect.level
            ));
        }
    }
    Ok(())
}

/// A site (a municipality's schools or kindergartens) and its groups.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub name: String,
    pub offering: String,
    pub attributes: BTreeMap<String, String>,
    pub language: String,
    /// The site's random effect u on θ.
    pub effect: f64,
    /// The seed of its sessions' designs: the same plan at every phase.
    pub design_seed: u64,
    pub groups: Vec<Group>,
}

impl Site {
    pub fn sector(&self) -> Option<&str> {
        self.attributes.get(SECTOR).map(String::as_str)
    }
}

/// A group at a table, the same people at every phase.
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub label: String,
    pub roles: BTreeMap<String, u32>,
    /// The group's random effect e on θ.
    pub effect: f64,
    pub style: Style,
}

/// What the population is drawn from.
pub(super) struct Frame<'a> {
    pub study: &'a Study,
    /// The offerings sites take in turn.
    pub offerings: Vec<&'a str>,
    /// Sectors of the study's vignettes: the sectors sites are spread over.
    pub sectors: Vec<&'a str>,
    pub sites: usize,
    pub groups: usize,
    pub icc: f64,
    pub english: f64,
}

impl Frame<'_> {
    /// Draws the sites with their groups.
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> Vec<Site> {
        let width = self.sites.to_string().len().max(2);
        let english = self.english_sites(rng);
        (0..self.sites)
            .map(|i| {
                let attributes = self.attributes(rng, i);
                let language = if english.contains(&i) {
                    "en".to_string()
                } else {
                    self.study.languages[0].clone()
                };
                let sector = attributes.get(SECTOR).cloned();
                let groups = (1..=self.groups)
                    .map(|g| self.group(rng, g, sector.as_deref(), &language))
                    .collect();
                Site {
                    name: format!("kommune-{:0width$}", i + 1),
                    offering: self.offerings[i % self.offerings.len()].to_string(),
                    attributes,
                    language,
                    effect: normal(rng, self.icc),
                    design_seed: rng.random(),
                    groups,
                }
            })
            .collect()
    }

    /// Which sites answer in English: a share `english` of them, at random.
    fn english_sites(&self, rng: &mut ChaCha8Rng) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.sites).collect();
        order.shuffle(rng);
        order.truncate((self.english * self.sites as f64).round() as usize);
        order
    }

    /// The attributes with listed values sites are spread over, with the
    /// values used (sector: the sectors of the study's vignettes).
    fn listed(&self) -> Vec<(&str, Vec<&str>)> {
        self.study
            .site_attributes
            .iter()
            .filter_map(|a| {
                let mut values: Vec<&str> =
                    a.values.as_ref()?.iter().map(|v| v.id.as_str()).collect();
                if a.id == SECTOR && values.iter().any(|v| self.sectors.contains(v)) {
                    values.retain(|v| self.sectors.contains(v));
                }
                Some((a.id.as_str(), values))
            })
            .collect()
    }

    /// Site `i`'s attributes. Offerings go round-robin; within each offering
    /// the sites walk through the combinations of the listed attributes (the
    /// first varying fastest) in rounds: in full rounds each offering starts
    /// one combination later, a last, incomplete round starts at the first
    /// combination for every offering. So every offering gets the same mix
    /// of attributes whatever the number of sites (but for the one site some
    /// offerings have more when the sites do not divide evenly), and designs
    /// of full rounds keep the sites they always had.
    fn attributes(&self, rng: &mut ChaCha8Rng, i: usize) -> BTreeMap<String, String> {
        let listed = self.listed();
        let combinations: usize = listed.iter().map(|(_, values)| values.len()).product();
        let mut cell = self.cell(i, combinations);
        let mut attributes = BTreeMap::new();
        for (id, values) in &listed {
            attributes.insert(id.to_string(), values[cell % values.len()].to_string());
            cell /= values.len();
        }
        for attribute in self
            .study
            .site_attributes
            .iter()
            .filter(|a| a.values.is_none())
        {
            if let Some(value) = typed_value(rng, attribute, &attributes, &listed) {
                attributes.insert(attribute.id.clone(), value);
            }
        }
        attributes
    }

    /// Which combination of `combinations` site `i` takes (see
    /// [`Frame::attributes`]); may exceed `combinations`, which wraps.
    fn cell(&self, i: usize, combinations: usize) -> usize {
        let offerings = self.offerings.len();
        let (offering, position) = (i % offerings, i / offerings);
        let of_offering = (self.sites - offering).div_ceil(offerings);
        let in_full_rounds = of_offering - of_offering % combinations.max(1);
        if position < in_full_rounds {
            position + offering
        } else {
            position
        }
    }

    fn group(
        &self,
        rng: &mut ChaCha8Rng,
        number: usize,
        sector: Option<&str>,
        language: &str,
    ) -> Group {
        Group {
            label: format!("G{number}"),
            roles: self.roles(rng, sector),
            effect: normal(rng, 1.0 - self.icc),
            style: Style {
                nynorsk: language == "nb" && rng.random_bool(NYNORSK_CHANCE),
                lists: rng.random_bool(LIST_CHANCE),
            },
        }
    }

    /// A group of 3–6: mostly staff who meet the children, sometimes their
    /// leader, now and then someone from the owner.
    fn roles(&self, rng: &mut ChaCha8Rng, sector: Option<&str>) -> BTreeMap<String, u32> {
        let in_study = |role: &&str| self.study.roles.iter().any(|r| r.id == *role);
        let mix = ROLE_MIXES
            .iter()
            .find(|(s, _)| Some(*s) == sector)
            .map(|(_, mix)| mix.map(|r| Some(r).filter(in_study)))
            .unwrap_or([None; 3]);
        let staff = mix[0].unwrap_or(self.study.roles[0].id.as_str());
        let size: u32 = rng.random_range(3..=6);
        let mut roles = BTreeMap::new();
        for (role, chance) in [(mix[1], LEADER_CHANCE), (mix[2], OWNER_CHANCE)] {
            if let Some(role) = role
                && rng.random_bool(chance)
            {
                roles.insert(role.to_string(), 1);
            }
        }
        let others: u32 = roles.values().sum();
        roles.insert(staff.to_string(), size - others);
        roles
    }
}

/// A value for an attribute without listed values: an integer attribute
/// `X_index` takes the part of its range that matches attribute X's value
/// (X's first value the top part: SSB centrality index 1 is the most
/// central, so rural sites get 4–6 and urban 1–3); other numbers anywhere
/// in their range; `county` a Norwegian county; other text only when
/// required (`simulated`).
fn typed_value(
    rng: &mut ChaCha8Rng,
    attribute: &SiteAttribute,
    chosen: &BTreeMap<String, String>,
    listed: &[(&str, Vec<&str>)],
) -> Option<String> {
    let (low, high) = (
        attribute.minimum.unwrap_or(0.0),
        attribute.maximum.unwrap_or(10.0),
    );
    match attribute.value_type.as_deref() {
        Some("integer") => {
            let (low, high) = (low.ceil() as i64, high.floor() as i64);
            let part = attribute.id.strip_suffix("_index").and_then(|of| {
                let (_, values) = listed.iter().find(|(id, _)| *id == of)?;
                let position = values
                    .iter()
                    .position(|v| Some(*v) == chosen.get(of).map(String::as_str))?;
                Some((values.len() - 1 - position, values.len()))
            });
            let (from, to) = match part {
                Some((index, parts)) => {
                    let span = (high - low + 1) as f64 / parts as f64;
                    let from = low + (span * index as f64).round() as i64;
                    let to = low + (span * (index + 1) as f64).round() as i64 - 1;
                    (from, to.max(from))
                }
                None => (low, high.max(low)),
            };
            Some(rng.random_range(from..=to).to_string())
        }
        Some("number") => Some(format!("{:.2}", rng.random_range(low..=high.max(low)))),
        _ if attribute.id == "county" => {
            Some(COUNTIES[rng.random_range(0..COUNTIES.len())].to_string())
        }
        _ if attribute.required => Some("simulated".to_string()),
        _ => None,
    }
}

/// Where a phase lies between the study's first (0) and last (1) phase.
fn progress(study: &Study, phase: &str) -> f64 {
    let last = study.phases.len().saturating_sub(1);
    let index = study.phases.iter().position(|p| p.id == phase).unwrap_or(0);
    if last == 0 {
        0.0
    } else {
        index as f64 / last as f64
    }
}

/// θ of a group at a phase: the site's and the group's random effects plus
/// every planted effect that applies.
pub(super) fn theta(
    study: &Study,
    effects: &[Effect],
    site: &Site,
    group: &Group,
    phase: &str,
) -> f64 {
    let people: u32 = group.roles.values().sum();
    let planted: f64 = effects
        .iter()
        .map(|e| {
            let weight = match e.key.as_str() {
                "offering" if site.offering == e.level => progress(study, phase),
                "offering" => 0.0,
                "phase" => f64::from(u8::from(phase == e.level)),
                "role" => {
                    f64::from(group.roles.get(&e.level).copied().unwrap_or(0))
                        / f64::from(people.max(1))
                }
                attribute => f64::from(u8::from(site.attributes.get(attribute) == Some(&e.level))),
            };
            e.size * weight
        })
        .sum();
    site.effect + group.effect + planted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{self, BankSource};
    use rand::SeedableRng;

    fn study() -> Study {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        bank.study("inkluderende-miljo").unwrap().item.clone()
    }

    fn frame(study: &Study, sites: usize) -> Frame<'_> {
        Frame {
            study,
            offerings: study.offerings.iter().map(|o| o.id.as_str()).collect(),
            sectors: vec!["kindergarten", "school"],
            sites,
            groups: 4,
            icc: 0.1,
            english: 0.25,
        }
    }

    #[test]
    fn effects_parse_and_print() {
        let effect: Effect = "offering=nettbasert:-0.25".parse().unwrap();
        assert_eq!(
            effect,
            Effect {
                key: "offering".into(),
                level: "nettbasert".into(),
                size: -0.25
            }
        );
        assert_eq!(effect.to_string(), "offering=nettbasert:-0.25");
        for bad in [
            "offering",
            "offering=x",
            "=x:1",
            "offering=x:big",
            "offering=x:NaN",
        ] {
            assert!(bad.parse::<Effect>().is_err(), "{bad}");
        }
    }

    #[test]
    fn effects_are_checked_against_the_study() {
        let study = study();
        let check = |text: &str| check_effects(&study, &[text.parse().unwrap()]);
        assert!(check("centrality=rural:-0.1").is_ok());
        assert!(check("role=principal:0.2").is_ok());
        let unknown = check("colour=red:1").unwrap_err();
        assert!(
            unknown.contains("expected one of: offering, phase, role, sector, centrality"),
            "{unknown}"
        );
        let level = check("phase=later:1").unwrap_err();
        assert!(
            level.contains("no phase `later`; expected one of: baseline, midpoint, endpoint"),
            "{level}"
        );
        let effect: Effect = "phase=endpoint:1".parse().unwrap();
        assert!(check_effects(&study, &[effect.clone(), effect]).is_err());
        assert!(check_effects(&study, &default_effects(&study)).is_ok());
    }

    #[test]
    fn sites_cross_offerings_sectors_and_centrality() {
        let study = study();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let sites = frame(&study, 12).draw(&mut rng);
        let mut cells = std::collections::BTreeSet::new();
        for site in &sites {
            cells.insert((
                site.offering.clone(),
                site.attributes["sector"].clone(),
                site.attributes["centrality"].clone(),
            ));
            let index: i64 = site.attributes["centrality_index"].parse().unwrap();
            let rural = site.attributes["centrality"] == "rural";
            assert!(if rural { index >= 4 } else { index <= 3 }, "{site:?}");
            assert!(COUNTIES.contains(&site.attributes["county"].as_str()));
        }
        assert_eq!(cells.len(), 12, "every combination once");
        assert_eq!(sites.iter().filter(|s| s.language == "en").count(), 3);
        assert_eq!(sites[0].name, "kommune-01");
    }

    /// Each offering's sorted (sector, centrality) pairs.
    fn mixes(frame: &Frame) -> Vec<Vec<(String, String)>> {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut mixes = vec![Vec::new(); frame.offerings.len()];
        for (i, site) in frame.draw(&mut rng).iter().enumerate() {
            let pair = (
                site.attributes["sector"].clone(),
                site.attributes["centrality"].clone(),
            );
            mixes[i % frame.offerings.len()].push(pair);
        }
        for mix in &mut mixes {
            mix.sort();
        }
        mixes
    }

    #[test]
    fn every_offering_gets_the_same_mix_of_sectors_and_centralities() {
        let study = study();
        for offerings in [2, 3] {
            for sites in 1..=27 {
                let mixes = mixes(&frame_of(&study, sites, offerings));
                // The last offering has the fewest sites; any other has the
                // same pairs, and at most one more.
                let fewest = &mixes[offerings - 1];
                for mix in &mixes {
                    let mut rest = mix.clone();
                    for pair in fewest {
                        let found = rest.iter().position(|p| p == pair);
                        rest.remove(found.unwrap_or_else(|| {
                            panic!("{sites} sites, {offerings} offerings: {mixes:?}")
                        }));
                    }
                    assert!(rest.len() <= 1, "{sites} sites: {mixes:?}");
                }
            }
        }
    }

    #[test]
    fn full_rounds_keep_each_offering_one_combination_later() {
        let study = study();
        let frame = frame(&study, 12);
        let cells: Vec<usize> = (0..12).map(|i| frame.cell(i, 4)).collect();
        assert_eq!(cells, [0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5]);
        let odd = frame_of(&study, 6, 2);
        let cells: Vec<usize> = (0..6).map(|i| odd.cell(i, 4)).collect();
        assert_eq!(
            cells,
            [0, 0, 1, 1, 2, 2],
            "3 sites per offering: no full round"
        );
    }

    fn frame_of(study: &Study, sites: usize, offerings: usize) -> Frame<'_> {
        let mut frame = frame(study, sites);
        frame.offerings.truncate(offerings);
        frame
    }

    #[test]
    fn groups_have_roles_of_their_sector() {
        let study = study();
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for site in frame(&study, 8).draw(&mut rng) {
            for group in &site.groups {
                let size: u32 = group.roles.values().sum();
                assert!((3..=6).contains(&size));
                let kindergarten = group.roles.keys().any(|r| r.starts_with("kindergarten"));
                assert_eq!(
                    kindergarten,
                    site.sector() == Some("kindergarten"),
                    "{group:?}"
                );
            }
        }
    }

    #[test]
    fn theta_adds_the_planted_effects() {
        let study = study();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut site = frame(&study, 1).draw(&mut rng).remove(0);
        site.effect = 0.0;
        let mut group = site.groups[0].clone();
        group.effect = 0.0;
        group.roles = BTreeMap::from([("principal".into(), 1), ("teacher".into(), 3)]);
        let effects: Vec<Effect> = [
            format!("offering={}:1", site.offering),
            "phase=endpoint:0.5".into(),
            "role=principal:0.4".into(),
            format!("centrality={}:-0.3", site.attributes["centrality"]),
        ]
        .iter()
        .map(|e| e.parse().unwrap())
        .collect();
        let at = |phase| theta(&study, &effects, &site, &group, phase);
        assert!((at("baseline") - (0.1 - 0.3)).abs() < 1e-12);
        assert!((at("midpoint") - (0.5 + 0.1 - 0.3)).abs() < 1e-12);
        assert!((at("endpoint") - (1.0 + 0.5 + 0.1 - 0.3)).abs() < 1e-12);
    }
}
