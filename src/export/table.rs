//! The tidy tables of an export: columns (name, type, description, coded
//! values with their labels from the study and rubrics) and rows.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bank::localized;
use crate::bank::{Labelled, Rubric, SiteAttribute, Text};
use crate::compare::dataset::{GroupInfo, MIXED_ROLE, StudyData, UnitScore};
use crate::store::SessionRecord;

/// How a column's values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Number,
}

impl Kind {
    /// The type's name in the codebook.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
        }
    }
}

/// An allowed value of a coded column and its label per language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedValue {
    pub value: String,
    /// Label per language; empty for a value the study does not name.
    pub label: Text,
    /// Where rubrics word it differently: rubric id → label per language.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_rubric: BTreeMap<String, Text>,
}

impl CodedValue {
    fn new(value: impl Into<String>, label: Text) -> CodedValue {
        CodedValue {
            value: value.into(),
            label,
            by_rubric: BTreeMap::new(),
        }
    }

    /// The label in `language`, else the value itself.
    pub fn label_in(&self, language: &str) -> String {
        let label = localized(&self.label, language);
        if label.is_empty() {
            self.value.clone()
        } else {
            label
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// A name SPSS, Stata and R read as is: `[a-z][a-z0-9_]*`, at most 32 characters.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub description: String,
    /// For a coded column: every allowed value, the study's first in study order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<CodedValue>>,
}

impl Column {
    fn new(name: &str, kind: Kind, description: impl Into<String>) -> Column {
        Column {
            name: name.to_string(),
            kind,
            description: description.into(),
            values: None,
        }
    }

    fn coded(mut self, values: Vec<CodedValue>) -> Column {
        self.values = Some(values);
        self
    }
}

/// One CSV file of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub file: String,
    /// What one row is.
    pub description: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Makes column names unique and valid, and adds every value present in a
    /// coded column to its allowed values.
    fn new(
        file: &str,
        description: &str,
        mut columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    ) -> Table {
        unique_names(&mut columns);
        for (i, column) in columns.iter_mut().enumerate() {
            let Some(values) = &mut column.values else {
                continue;
            };
            let present: BTreeSet<&str> = rows
                .iter()
                .map(|row| row[i].as_str())
                .filter(|v| !v.is_empty())
                .collect();
            for value in present {
                if !values.iter().any(|v| v.value == value) {
                    values.push(CodedValue::new(value, Text::new()));
                }
            }
        }
        Table {
            file: file.to_string(),
            description: description.to_string(),
            columns,
            rows,
        }
    }

    /// The file name without `.csv`.
    pub fn stem(&self) -> &str {
        self.file.trim_end_matches(".csv")
    }

    /// The table as CSV with a header row; with `guard`, text cells are
    /// made [`super::spreadsheet_safe`].
    pub fn csv(&self, guard: bool) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.columns.iter().map(|c| c.name.as_str()))?;
        for row in &self.rows {
            let cells = row.iter().zip(&self.columns).map(|(cell, column)| {
                if guard && column.kind == Kind::String {
                    super::spreadsheet_safe(cell)
                } else {
                    cell.as_str().into()
                }
            });
            writer.write_record(cells.map(|c| c.into_owned()))?;
        }
        writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// A name every tool reads as is: lower case ASCII letters, digits and `_`,
/// a letter first, at most 32 characters (Stata's limit).
fn variable_name(raw: &str) -> String {
    let mut name: String = raw
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "v_");
    }
    name.truncate(32);
    name
}

fn unique_names(columns: &mut [Column]) {
    let mut seen = BTreeSet::new();
    for column in columns {
        let base = variable_name(&column.name);
        let mut name = base.clone();
        let mut n = 2;
        while !seen.insert(name.clone()) {
            let suffix = format!("_{n}");
            name = format!("{}{suffix}", &base[..base.len().min(32 - suffix.len())]);
            n += 1;
        }
        column.name = name;
    }
}

/// Our own words, in English and bokmål.
fn words(en: &str, nb: &str) -> Text {
    Text::from([
        ("en".to_string(), en.to_string()),
        ("nb".to_string(), nb.to_string()),
    ])
}

fn labelled(list: &[Labelled]) -> Vec<CodedValue> {
    list.iter()
        .map(|item| CodedValue::new(&item.id, item.label.clone()))
        .collect()
}

/// The tables of an export: criteria, dimensions and groups.
pub(super) fn tables(data: &StudyData) -> Vec<Table> {
    let context = Context::new(data);
    vec![
        context.criteria_table(),
        context.dimensions_table(),
        context.groups_table(),
    ]
}

/// Lookups shared by the tables.
struct Context<'a> {
    data: &'a StudyData,
    sessions: BTreeMap<&'a str, &'a SessionRecord>,
    /// By session and label.
    groups: BTreeMap<(&'a str, &'a str), &'a GroupInfo>,
    /// Site attributes: the study's, then any other a session recorded.
    attributes: Vec<SiteAttribute>,
    /// Roles: the study's, then any other a group has.
    roles: Vec<Labelled>,
}

impl<'a> Context<'a> {
    fn new(data: &'a StudyData) -> Context<'a> {
        let study = &data.study;
        let mut attributes = study.site_attributes.clone();
        let recorded: BTreeSet<&String> = data
            .sessions
            .iter()
            .flat_map(|s| s.site_attributes.keys())
            .collect();
        for id in recorded {
            if !attributes.iter().any(|a| &a.id == id) {
                attributes.push(SiteAttribute {
                    id: id.clone(),
                    label: Text::new(),
                    required: false,
                    values: None,
                    value_type: None,
                    minimum: None,
                    maximum: None,
                });
            }
        }
        let mut roles = study.roles.clone();
        let held: BTreeSet<&String> = data.groups.iter().flat_map(|g| g.roles.keys()).collect();
        for id in held {
            if !roles.iter().any(|r| &r.id == id) {
                roles.push(Labelled {
                    id: id.clone(),
                    label: Text::new(),
                    description: None,
                });
            }
        }
        Context {
            data,
            sessions: data.sessions.iter().map(|s| (s.id.as_str(), s)).collect(),
            groups: data
                .groups
                .iter()
                .map(|g| ((g.session.as_str(), g.label.as_str()), g))
                .collect(),
            attributes,
            roles,
        }
    }

    /// The columns that say whose score a row is.
    fn key_columns(&self) -> Vec<Column> {
        let study = &self.data.study;
        let forms: Vec<Labelled> = study
            .forms
            .iter()
            .map(|f| Labelled {
                id: f.id.clone(),
                label: f.label.clone(),
                description: None,
            })
            .collect();
        let mut roles = labelled(&self.roles);
        roles.push(CodedValue::new(
            MIXED_ROLE,
            words(
                "Mixed: no single largest role",
                "Blandet: ingen enkeltrolle er størst",
            ),
        ));
        let mut columns = vec![
            Column::new("session", Kind::String, "Session (one workshop) id"),
            Column::new(
                "group",
                Kind::String,
                "Group id, the same at every phase: cohort/site/label",
            ),
            Column::new(
                "group_label",
                Kind::String,
                "The group's label in its session",
            ),
            Column::new(
                "site",
                Kind::String,
                "Site: municipality, school or kindergarten",
            ),
            Column::new("offering", Kind::String, "Competence offering")
                .coded(labelled(&study.offerings)),
            Column::new("phase", Kind::String, "Phase of the evaluation")
                .coded(labelled(&study.phases)),
            Column::new("cohort", Kind::String, "Cohort"),
            Column::new(
                "role",
                Kind::String,
                "The role most people in the group have (mixed on a tie)",
            )
            .coded(roles),
            Column::new("language", Kind::String, "Language the session was run in"),
            Column::new(
                "form",
                Kind::String,
                "Parallel form the session's cases were drawn from (empty: none)",
            )
            .coded(labelled(&forms)),
        ];
        columns.extend(self.attributes.iter().map(attribute_column));
        columns
    }

    fn key_values(&self, group: &GroupInfo) -> Vec<String> {
        let session = self.sessions[group.session.as_str()];
        let mut values = vec![
            session.id.clone(),
            group.id.clone(),
            group.label.clone(),
            session.site.clone(),
            session.offering.clone(),
            session.phase.clone(),
            session.cohort.clone(),
            group.keys.get("role").cloned().unwrap_or_default(),
            session.language.clone(),
            group.keys.get("form").cloned().unwrap_or_default(),
        ];
        values.extend(self.attributes.iter().map(|a| {
            session
                .site_attributes
                .get(&a.id)
                .cloned()
                .unwrap_or_default()
        }));
        values
    }

    /// The columns that say which vignette and rubric a row is about.
    fn unit_columns(&self) -> Vec<Column> {
        let vignettes = self
            .data
            .study
            .vignettes
            .iter()
            .chain(self.data.vignette_titles.keys())
            .collect::<Vec<_>>();
        let mut seen = BTreeSet::new();
        let vignettes = vignettes
            .into_iter()
            .filter(|id| seen.insert(*id))
            .map(|id| {
                let title = self
                    .data
                    .vignette_titles
                    .get(id)
                    .cloned()
                    .unwrap_or_default();
                CodedValue::new(id, title)
            })
            .collect();
        let mut rubrics: Vec<CodedValue> = Vec::new();
        for rubric in self.rubrics() {
            if !rubrics.iter().any(|r| r.value == rubric.id) {
                rubrics.push(CodedValue::new(&rubric.id, rubric.title.clone()));
            }
        }
        vec![
            Column::new("vignette", Kind::String, "Vignette (the case answered)").coded(vignettes),
            Column::new(
                "rubric",
                Kind::String,
                "Rubric the answers were scored with",
            )
            .coded(rubrics),
            Column::new("rubric_version", Kind::String, "Version of the rubric"),
            Column::new(
                "rubric_hash",
                Kind::String,
                "SHA-256 of the exact rubric file used",
            ),
        ]
    }

    fn unit_values(unit: &UnitScore) -> [String; 4] {
        [
            unit.vignette.clone(),
            unit.rubric.clone(),
            unit.rubric_version.clone(),
            unit.rubric_hash.clone(),
        ]
    }

    /// The rubrics in the order of the study's vignettes.
    fn rubrics(&self) -> Vec<&'a Rubric> {
        let vignettes = &self.data.study.vignettes;
        let mut rubrics: Vec<&Rubric> = self.data.rubrics.values().collect();
        rubrics.sort_by_key(|r| {
            let position = vignettes.iter().position(|v| *v == r.vignette);
            (
                position.unwrap_or(usize::MAX),
                r.id.clone(),
                r.version.clone(),
            )
        });
        rubrics
    }

    /// Every criterion id with its title; where rubrics word it differently,
    /// each rubric's title too.
    fn criteria(&self) -> Vec<CodedValue> {
        let mut values: Vec<CodedValue> = Vec::new();
        for rubric in self.rubrics() {
            for criterion in &rubric.criteria {
                let at = match values.iter().position(|v| v.value == criterion.id) {
                    Some(at) => at,
                    None => {
                        values.push(CodedValue::new(&criterion.id, criterion.title.clone()));
                        values.len() - 1
                    }
                };
                values[at]
                    .by_rubric
                    .insert(rubric.id.clone(), criterion.title.clone());
            }
        }
        for value in &mut values {
            if value.by_rubric.values().all(|title| *title == value.label) {
                value.by_rubric.clear();
            }
        }
        values
    }

    fn levels(&self) -> Vec<CodedValue> {
        let max = self
            .data
            .rubrics
            .values()
            .flat_map(|r| &r.criteria)
            .map(|c| c.max_level())
            .max()
            .unwrap_or(2);
        (0..=max)
            .map(|level| {
                let label = if level == 0 {
                    words("absent or wrong", "mangler eller feil")
                } else if level == max {
                    words(
                        "clear and concrete (highest level)",
                        "tydelig og konkret (høyeste nivå)",
                    )
                } else {
                    words("partial or vague", "delvis eller vag")
                };
                CodedValue::new(level.to_string(), label)
            })
            .collect()
    }

    fn dimension_column(&self) -> Column {
        Column::new("dimension", Kind::String, "Dimension scored")
            .coded(labelled(&self.data.study.dimensions))
    }

    /// Each scored unit with its group.
    fn units(&self) -> impl Iterator<Item = (&'a UnitScore, &'a GroupInfo)> + '_ {
        self.data.units.iter().filter_map(|unit| {
            self.groups
                .get(&(unit.session.as_str(), unit.label.as_str()))
                .map(|group| (unit, *group))
        })
    }

    fn criteria_table(&self) -> Table {
        let mut columns = self.key_columns();
        columns.extend(self.unit_columns());
        columns.extend([
            Column::new("method", Kind::String, "Who decided the level").coded(methods()),
            Column::new("criterion", Kind::String, "Rubric criterion").coded(self.criteria()),
            self.dimension_column(),
            Column::new("level", Kind::Integer, "Level reached, 0 to max_level")
                .coded(self.levels()),
            Column::new("max_level", Kind::Integer, "Highest level of the criterion"),
            Column::new(
                "critical",
                Kind::Integer,
                "Whether the rubric marks it critical",
            )
            .coded(vec![
                CodedValue::new("0", words("not critical", "ikke kritisk")),
                CodedValue::new(
                    "1",
                    words(
                        "critical: its absence is reported on its own",
                        "kritisk: mangler det, rapporteres det for seg",
                    ),
                ),
            ]),
            Column::new(
                "stage",
                Kind::Integer,
                "Earliest stage whose answers earned the automatic level (empty: a human level, or nothing earned)",
            ),
        ]);
        let mut rows = Vec::new();
        for (unit, group) in self.units() {
            let mut start = self.key_values(group);
            start.extend(Context::unit_values(unit));
            for c in &unit.criteria {
                let mut row = start.clone();
                row.extend([
                    c.method.clone(),
                    c.criterion.clone(),
                    c.dimension.clone(),
                    c.level.to_string(),
                    c.max_level.to_string(),
                    u8::from(c.critical).to_string(),
                    c.stage.map(|s| s.to_string()).unwrap_or_default(),
                ]);
                rows.push(row);
            }
        }
        Table::new(
            "criteria.csv",
            "One row per group × vignette × criterion: the level the group's answers reached.",
            columns,
            rows,
        )
    }

    fn dimensions_table(&self) -> Table {
        let mut columns = self.key_columns();
        columns.extend(self.unit_columns());
        columns.extend([
            Column::new("method", Kind::String, "How the unit was scored").coded(methods()),
            self.dimension_column(),
            Column::new(
                "score",
                Kind::Number,
                "Score 0-100: weighted criterion levels over their maximum",
            ),
        ]);
        let mut rows = Vec::new();
        for (unit, group) in self.units() {
            let mut start = self.key_values(group);
            start.extend(Context::unit_values(unit));
            start.push(unit.method.clone());
            for (dimension, score) in self.in_study_order(&unit.dimensions) {
                let mut row = start.clone();
                row.extend([dimension.to_string(), score.to_string()]);
                rows.push(row);
            }
        }
        Table::new(
            "dimensions.csv",
            "One row per group × vignette × dimension: the group's score on that vignette.",
            columns,
            rows,
        )
    }

    fn in_study_order<'m>(&self, scores: &'m BTreeMap<String, f64>) -> Vec<(&'m str, f64)> {
        let order = |d: &str| {
            self.data
                .study
                .dimensions
                .iter()
                .position(|x| x.id == d)
                .unwrap_or(usize::MAX)
        };
        let mut scores: Vec<(&str, f64)> = scores.iter().map(|(d, s)| (d.as_str(), *s)).collect();
        scores.sort_by_key(|(d, _)| order(d));
        scores
    }

    fn groups_table(&self) -> Table {
        let mut columns = self.key_columns();
        columns.extend(self.roles.iter().map(|role| {
            let label = localized(&role.label, "en");
            let label = if label.is_empty() {
                role.id.clone()
            } else {
                label
            };
            Column::new(
                &format!("n_{}", role.id),
                Kind::Integer,
                format!("People in the group with the role {label}"),
            )
        }));
        columns.extend([
            Column::new(
                "n_vignettes",
                Kind::Integer,
                "Vignettes the group's score is the mean of",
            ),
            self.dimension_column(),
            Column::new(
                "score",
                Kind::Number,
                "Score 0-100: the mean of the group's vignette scores",
            ),
        ]);
        let by_id: BTreeMap<(&str, &str), &GroupInfo> = self
            .data
            .groups
            .iter()
            .map(|g| ((g.session.as_str(), g.id.as_str()), g))
            .collect();
        let mut rows = Vec::new();
        for score in self.data.group_scores() {
            let Some(group) = by_id.get(&(score.key("session"), score.group.as_str())) else {
                continue;
            };
            let mut row = self.key_values(group);
            row.extend(
                self.roles
                    .iter()
                    .map(|r| group.roles.get(&r.id).copied().unwrap_or(0).to_string()),
            );
            let vignettes = self
                .data
                .units
                .iter()
                .filter(|u| u.session == group.session && u.label == group.label)
                .filter(|u| u.dimensions.contains_key(&score.dimension))
                .count();
            row.extend([
                vignettes.to_string(),
                score.dimension.clone(),
                score.score.to_string(),
            ]);
            rows.push(row);
        }
        Table::new(
            "groups.csv",
            "One row per group × dimension: the mean of the group's vignette scores \
             (the unit of analysis of comparisons).",
            columns,
            rows,
        )
    }
}

fn attribute_column(attribute: &SiteAttribute) -> Column {
    let kind = match attribute.value_type.as_deref() {
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        _ => Kind::String,
    };
    let label = localized(&attribute.label, "en");
    let label = if label.is_empty() {
        attribute.id.clone()
    } else {
        label
    };
    let column = Column::new(
        &format!("site_{}", attribute.id),
        kind,
        format!("Site attribute: {label}"),
    );
    match &attribute.values {
        Some(values) => column.coded(labelled(values)),
        None => column,
    }
}

fn methods() -> Vec<CodedValue> {
    vec![
        CodedValue::new(
            "auto",
            words(
                "automatic scoring with the rubric's evidence rules",
                "automatisk skåring med vurderingsskjemaets regler",
            ),
        ),
        CodedValue::new(
            "consensus",
            words(
                "human raters' consensus",
                "konsensus mellom menneskelige vurderere",
            ),
        ),
        CodedValue::new(
            "auto+consensus",
            words(
                "automatic, with the human consensus for some criteria",
                "automatisk, med menneskelig konsensus for noen kriterier",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_for_spss_and_stata_and_unique() {
        let mut columns = vec![
            Column::new("site_Bo-kommune", Kind::String, ""),
            Column::new("site_bo_kommune", Kind::String, ""),
            Column::new("9lives", Kind::String, ""),
            Column::new(&format!("n_{}", "x".repeat(40)), Kind::Integer, ""),
            Column::new(&format!("n_{}", "x".repeat(41)), Kind::Integer, ""),
        ];
        unique_names(&mut columns);
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names[0], "site_bo_kommune");
        assert_eq!(names[1], "site_bo_kommune_2");
        assert_eq!(names[2], "v_9lives");
        assert_eq!(names[3].len(), 32);
        assert_eq!(names[4], format!("n_{}_2", "x".repeat(28)));
    }

    #[test]
    fn text_with_commas_quotes_and_line_breaks_round_trips_through_csv() {
        let awkward = "Bodø, \"nord\"\nlinje 2";
        let table = Table::new(
            "t.csv",
            "",
            vec![
                Column::new("site", Kind::String, ""),
                Column::new("phase", Kind::String, "").coded(Vec::new()),
            ],
            vec![vec![awkward.to_string(), "baseline".to_string()]],
        );
        let bytes = table.csv(true).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], awkward);
        let phase = table.columns[1].values.as_ref().unwrap();
        assert_eq!(
            phase[0].value, "baseline",
            "a present value joins the coded values"
        );
    }
}
