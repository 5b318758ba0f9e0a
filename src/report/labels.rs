//! The study's labels and the report's own words in the report's language,
//! and the order of the study's ids.

use std::collections::BTreeMap;

use crate::bank::{Labelled, Rubric, Study};
use crate::bank::{label_of, localized};
use crate::compare::dataset::MIXED_ROLE;
use crate::messages::{self, Messages};

/// Labels of one study's ids in one language; an unknown id is its own label.
pub(super) struct Labels<'a> {
    pub study: &'a Study,
    pub language: &'a str,
    /// The report's own words in `language`.
    pub words: &'static Messages,
    /// Criterion id → title.
    criteria: BTreeMap<String, String>,
}

impl<'a> Labels<'a> {
    pub fn new(study: &'a Study, rubrics: &[Rubric], language: &'a str) -> Labels<'a> {
        Labels {
            study,
            language,
            words: messages::of(language),
            criteria: criterion_titles(rubrics, language),
        }
    }

    /// The label of `id` under the comparison key `key` (`offering`,
    /// `phase`, `role`, `dimension` or a site attribute).
    pub fn of(&self, key: &str, id: &str) -> String {
        if key == "role" && id == MIXED_ROLE {
            return self.words.text("report.mixed_role").to_string();
        }
        if key == "role" && (id.is_empty() || id == crate::compare::NO_VALUE) {
            return self.words.text("report.not_recorded").to_string();
        }
        label_of(self.list(key), id, self.language)
    }

    /// The label of a site attribute, e.g. "Centrality".
    pub fn attribute(&self, id: &str) -> String {
        self.study
            .site_attributes
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| localized(&a.label, self.language))
    }

    /// A criterion's title, or "" when no rubric has it.
    pub fn criterion(&self, id: &str) -> &str {
        self.criteria.get(id).map_or("", String::as_str)
    }

    /// The ids of `key` present in the data: in study order, then others as met.
    pub fn order<'p>(&self, key: &str, present: impl IntoIterator<Item = &'p str>) -> Vec<String> {
        let present: Vec<&str> = present.into_iter().collect();
        let mut order: Vec<String> = self
            .declared(key)
            .into_iter()
            .filter(|id| present.contains(id))
            .map(str::to_string)
            .collect();
        for id in present {
            if !order.iter().any(|o| o == id) {
                order.push(id.to_string());
            }
        }
        order
    }

    /// Every id of `key` the study declares, then any others in `present`.
    pub fn all<'p>(&self, key: &str, present: impl IntoIterator<Item = &'p str>) -> Vec<String> {
        let mut all: Vec<String> = self.declared(key).into_iter().map(str::to_string).collect();
        for id in present {
            if !all.iter().any(|o| o == id) {
                all.push(id.to_string());
            }
        }
        all
    }

    /// What the study declares for `key`, in its order.
    fn list(&self, key: &str) -> &'a [Labelled] {
        match key {
            "offering" => &self.study.offerings,
            "phase" => &self.study.phases,
            "role" => &self.study.roles,
            "dimension" => &self.study.dimensions,
            attribute => self
                .study
                .site_attributes
                .iter()
                .find(|a| a.id == attribute)
                .and_then(|a| a.values.as_deref())
                .unwrap_or_default(),
        }
    }

    fn declared(&self, key: &str) -> Vec<&'a str> {
        ids(self.list(key))
    }
}

fn ids(list: &[Labelled]) -> Vec<&str> {
    list.iter().map(|l| l.id.as_str()).collect()
}

/// Each criterion's shortest title across the rubrics: criteria share ids
/// across vignettes, and the shortest wording is the most general one.
fn criterion_titles(rubrics: &[Rubric], language: &str) -> BTreeMap<String, String> {
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    for criterion in rubrics.iter().flat_map(|r| &r.criteria) {
        let title = localized(&criterion.title, language);
        let shorter = titles
            .get(&criterion.id)
            .is_none_or(|t| title.chars().count() < t.chars().count());
        if shorter {
            titles.insert(criterion.id.clone(), title);
        }
    }
    titles
}
