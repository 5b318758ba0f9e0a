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
        self.forms(entry);
    }

    /// Forms name the study's vignettes, each in one form; every vignette is
    /// in a form, and every form has as many cases of each sector.
    fn forms(&mut self, entry: &Entry<Study>) {
        let study = &entry.item;
        if study.forms.is_empty() {
            return;
        }
        self.unique_ids(entry, "/forms", study.forms.iter().map(|f| f.id.as_str()));
        let mut form_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (i, form) in study.forms.iter().enumerate() {
            let at = format!("/forms/{i}");
            self.text(entry, &format!("{at}/label"), &form.label, &study.languages);
            for (j, id) in form.vignettes.iter().enumerate() {
                let pointer = format!("{at}/vignettes/{j}");
                if !study.vignettes.contains(id) {
                    let known = study.vignettes.join(", ");
                    let message = format!(
                        "form `{}` names vignette `{id}`, which is not among the study's \
                         vignettes ({known})",
                        form.id
                    );
                    self.error(entry, &pointer, message);
                } else if let Some(other) = form_of.insert(id, &form.id) {
                    let message = format!(
                        "vignette `{id}` is in form `{other}` and in form `{}`; a vignette \
                         belongs to one form",
                        form.id
                    );
                    self.error(entry, &pointer, message);
                }
            }
        }
        for (i, id) in study.vignettes.iter().enumerate() {
            if !form_of.contains_key(id.as_str()) {
                let message = format!(
                    "vignette `{id}` is in no form, so sessions drawn from forms never give it; \
                     add it to a form or leave it out of the study"
                );
                self.warning(entry, &format!("/vignettes/{i}"), message);
            }
        }
        self.parallel_forms(entry);
        if let Some(steps) = &study.form_rotation
            && steps.len() != study.phases.len()
        {
            let message = format!(
                "the form rotation has {} steps but the study has {} phases; expected one step \
                 per phase",
                steps.len(),
                study.phases.len()
            );
            self.error(entry, "/form_rotation", message);
        }
    }

    /// Warns when forms have different numbers of cases of a sector.
    fn parallel_forms(&mut self, entry: &Entry<Study>) {
        let study = &entry.item;
        let sector_of = |id: &String| self.bank.vignette(id).map(|v| v.item.sector.as_str());
        let sectors: BTreeSet<&str> = study.vignettes.iter().filter_map(sector_of).collect();
        let mut messages = Vec::new();
        for sector in sectors {
            let counts: Vec<(&str, usize)> = study
                .forms
                .iter()
                .map(|f| {
                    let n = f
                        .vignettes
                        .iter()
                        .filter(|v| sector_of(v) == Some(sector))
                        .count();
                    (f.id.as_str(), n)
                })
                .collect();
            if counts.iter().any(|&(_, n)| n != counts[0].1) {
                let shown: Vec<String> = counts.iter().map(|(f, n)| format!("{f} {n}")).collect();
                messages.push(format!(
                    "the forms have different numbers of `{sector}` cases ({}): sites of that \
                     sector would answer more cases at some phases than at others; give every \
                     form as many",
                    shown.join(", ")
                ));
            }
        }
        for message in messages {
            self.warning(entry, "/forms", message);
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
