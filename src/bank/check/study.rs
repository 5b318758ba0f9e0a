//! Checks of a study: its ids, labels and the vignettes it uses.

use std::collections::BTreeSet;

use super::super::Entry;
use super::super::model::*;
use super::*;

impl Checker<'_> {
    pub(super) fn study(&mut self, entry: &Entry<Study>) {
        let study = &entry.item;
        let languages = &study.languages;
        self.text(entry, "/title", &study.title, languages);
        if let Some(description) = &study.description {
            self.text(entry, "/description", description, languages);
        }
        self.labelled(entry, "/dimensions", &study.dimensions, languages);
        self.labelled(entry, "/offerings", &study.offerings, languages);
        self.labelled(entry, "/phases", &study.phases, languages);
        self.labelled(entry, "/roles", &study.roles, languages);
        self.unique_ids(
            entry,
            "/site_attributes",
            study.site_attributes.iter().map(|a| a.id.as_str()),
        );
        for (i, attribute) in study.site_attributes.iter().enumerate() {
            let at = format!("/site_attributes/{i}");
            self.text(entry, &format!("{at}/label"), &attribute.label, languages);
            if let Some(values) = &attribute.values {
                self.labelled(entry, &format!("{at}/values"), values, languages);
            }
            if let (Some(min), Some(max)) = (attribute.minimum, attribute.maximum)
                && min > max
            {
                self.error(
                    entry,
                    &format!("{at}/minimum"),
                    format!("minimum {min} is above maximum {max}"),
                );
            }
        }
        for (i, id) in study.vignettes.iter().enumerate() {
            self.study_vignette(entry, &format!("/vignettes/{i}"), id);
        }
    }

    fn study_vignette(&mut self, entry: &Entry<Study>, pointer: &str, id: &str) {
        let study = &entry.item;
        let Some(vignette) = self.bank.vignette(id) else {
            if !self.broken.contains(Kind::Vignette, id) {
                let known = ids(self.bank.vignettes.iter().map(|v| &v.item.id));
                self.error(
                    entry,
                    pointer,
                    format!("unknown vignette `{id}`; the bank has: {known}"),
                );
            }
            return;
        };
        let missing: Vec<&str> = study
            .languages
            .iter()
            .filter(|l| !vignette.item.languages.contains(l))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            self.error(
                entry,
                pointer,
                format!(
                    "vignette `{id}` is not written in {} which the study requires",
                    missing.join(", ")
                ),
            );
        }
        let Some(rubric) = self.bank.rubric_for(id) else {
            if !self.broken.contains(Kind::Rubric, id) {
                self.error(
                    entry,
                    pointer,
                    format!("vignette `{id}` has no rubric; add rubrics/{id}.json with \"vignette\": \"{id}\""),
                );
            }
            return;
        };
        let dimensions: BTreeSet<&str> = study.dimensions.iter().map(|d| d.id.as_str()).collect();
        for dimension in &dimensions {
            if !rubric
                .item
                .criteria
                .iter()
                .any(|c| c.dimension == *dimension)
            {
                self.error(
                    rubric,
                    "/criteria",
                    format!(
                        "no criterion in dimension `{dimension}`, which study `{}` ({}) scores",
                        study.id, entry.path
                    ),
                );
            }
        }
        for (c, criterion) in rubric.item.criteria.iter().enumerate() {
            if !dimensions.contains(criterion.dimension.as_str()) {
                self.error(
                    rubric,
                    &format!("/criteria/{c}/dimension"),
                    format!(
                        "`{}` is not a dimension of study `{}`; expected one of: {}",
                        criterion.dimension,
                        study.id,
                        ids(dimensions.iter())
                    ),
                );
            }
        }
    }
}
