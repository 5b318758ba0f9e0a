//! What the report template shows, section by section, as plain data with
//! the study's labels filled in; and the filters that write numbers.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::State;
use serde::Serialize;

use super::Report;
use super::charts::{self, Chart, CurveChart, Estimate, HeatInput, Heatmap, PanelData, Series};
use super::example::Example;
use super::labels::Labels;
use super::missed::{self, Missed};
use super::plan::CENTRALITY;
use crate::bank::localized;
use crate::compare::dataset::{GroupScore, StudyData};
use crate::compare::{Cell, Change, Comparison, Pairwise};
use crate::design::forms;
use crate::messages::{self, Messages};
use crate::simulate::power::{Power, Row};

/// The whole page.
#[derive(Debug, Serialize)]
pub(super) struct View {
    language: String,
    tool_version: &'static str,
    title: String,
    description: String,
    study_id: String,
    study_version: String,
    summary: Summary,
    sessions: Vec<SessionRow>,
    unscored: Vec<(String, usize)>,
    collection: Collection,
    scores: Scores,
    change: Option<ChangeView>,
    one_phase: String,
    roles: Matrix,
    centrality: Option<Matrix>,
    agreement: AgreementView,
    missed: MissedView,
    power: Option<PowerView>,
    methods: Methods,
    groups: Vec<GroupRow>,
}

/// Builds the view of a report.
pub(super) fn build(report: &Report) -> View {
    let data = &report.data;
    let labels = Labels::new(&data.study, &report.rubrics, &report.language);
    let analyses = &report.analyses;
    let one_phase = match &analyses.change {
        Some(_) => String::new(),
        None => labels.of("phase", &analyses.phase),
    };
    View {
        language: report.language.clone(),
        tool_version: env!("CARGO_PKG_VERSION"),
        title: localized(&data.study.title, &report.language),
        description: data
            .study
            .description
            .as_ref()
            .map(|d| localized(d, &report.language))
            .unwrap_or_default(),
        study_id: data.study.id.clone(),
        study_version: data.study.version.clone(),
        summary: summary(data, &labels),
        sessions: session_rows(data, &labels),
        unscored: data.unscored.iter().map(|(s, n)| (s.clone(), *n)).collect(),
        collection: collection(data, &labels),
        scores: scores(&analyses.offerings, &analyses.phase, &labels),
        change: analyses
            .change
            .as_ref()
            .map(|c| change(c, &data.group_scores(), &labels)),
        one_phase,
        roles: matrix(&analyses.roles, "role", None, &labels),
        centrality: analyses
            .centrality
            .as_ref()
            .map(|c| matrix(c, CENTRALITY, None, &labels)),
        agreement: agreement(report, &labels),
        missed: missed_view(data, &analyses.phase, report.example.as_ref(), &labels),
        power: report.power.as_ref().map(|p| power_view(p, &labels)),
        methods: methods(report, &labels),
        groups: group_rows(data, &labels),
    }
}

#[derive(Debug, Serialize)]
struct Summary {
    sessions: usize,
    groups: usize,
    units: usize,
    sites: usize,
    offerings: usize,
    phases: Vec<String>,
}

fn summary(data: &StudyData, labels: &Labels) -> Summary {
    let distinct = |f: fn(&crate::store::SessionRecord) -> &str| {
        data.sessions.iter().map(f).collect::<BTreeSet<_>>()
    };
    Summary {
        sessions: data.sessions.len(),
        groups: data.groups.len(),
        units: data.units.len(),
        sites: distinct(|s| &s.site).len(),
        offerings: distinct(|s| &s.offering).len(),
        phases: labels
            .order("phase", distinct(|s| &s.phase))
            .iter()
            .map(|p| labels.of("phase", p))
            .collect(),
    }
}

#[derive(Debug, Serialize)]
struct SessionRow {
    id: String,
    site: String,
    offering: String,
    phase: String,
    cohort: String,
    language: String,
    groups: usize,
    units: usize,
    created: String,
}

fn session_rows(data: &StudyData, labels: &Labels) -> Vec<SessionRow> {
    data.sessions
        .iter()
        .map(|s| SessionRow {
            id: s.id.clone(),
            site: s.site.clone(),
            offering: labels.of("offering", &s.offering),
            phase: labels.of("phase", &s.phase),
            cohort: s.cohort.clone(),
            language: s.language.clone(),
            groups: data.groups.iter().filter(|g| g.session == s.id).count(),
            units: data.units.iter().filter(|u| u.session == s.id).count(),
            created: s
                .created_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
        })
        .collect()
}

/// Offering × phase: groups and sessions per cell, every declared cell shown.
#[derive(Debug, Serialize)]
struct Collection {
    phases: Vec<String>,
    rows: Vec<CollectionRow>,
    empty: usize,
}

#[derive(Debug, Serialize)]
struct CollectionRow {
    offering: String,
    cells: Vec<Option<Count>>,
    groups: usize,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Count {
    groups: usize,
    sessions: usize,
}

fn collection(data: &StudyData, labels: &Labels) -> Collection {
    let mut counts: BTreeMap<(&str, &str), Count> = BTreeMap::new();
    for s in &data.sessions {
        let count = counts.entry((&s.offering, &s.phase)).or_default();
        count.sessions += 1;
        count.groups += data.groups.iter().filter(|g| g.session == s.id).count();
    }
    let phases = labels.all("phase", data.sessions.iter().map(|s| s.phase.as_str()));
    let offerings = labels.all(
        "offering",
        data.sessions.iter().map(|s| s.offering.as_str()),
    );
    let rows: Vec<CollectionRow> = offerings
        .iter()
        .map(|o| {
            let cells: Vec<Option<Count>> = phases
                .iter()
                .map(|p| counts.get(&(o.as_str(), p.as_str())).copied())
                .collect();
            CollectionRow {
                offering: labels.of("offering", o),
                groups: cells.iter().flatten().map(|c| c.groups).sum(),
                cells,
            }
        })
        .collect();
    Collection {
        phases: phases.iter().map(|p| labels.of("phase", p)).collect(),
        empty: rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.is_none())
            .count(),
        rows,
    }
}

/// Cells of one comparison as a table: a row per level of the key, a column per dimension.
#[derive(Debug, Serialize)]
struct Matrix {
    key: String,
    dimensions: Vec<String>,
    rows: Vec<MatrixRow>,
}

#[derive(Debug, Serialize)]
struct MatrixRow {
    label: String,
    colour: Option<&'static str>,
    cells: Vec<Option<CellView>>,
}

#[derive(Debug, Clone, Serialize)]
struct CellView {
    n: usize,
    mean: f64,
    sd: Option<f64>,
    ci_t: Option<[f64; 2]>,
    ci_boot: Option<[f64; 2]>,
}

impl From<&Cell> for CellView {
    fn from(c: &Cell) -> CellView {
        CellView {
            n: c.n,
            mean: c.mean,
            sd: c.sd,
            ci_t: c.ci95_t,
            ci_boot: c.ci95_boot,
        }
    }
}

/// The table of `comparison` by `key`: rows are `rows` (every declared
/// offering, say) or else the levels present; colours by row for offerings.
fn matrix(comparison: &Comparison, key: &str, rows: Option<&[String]>, labels: &Labels) -> Matrix {
    let dimensions = labels.order(
        "dimension",
        comparison.groups.iter().map(|c| c.dimension.as_str()),
    );
    let present = || {
        comparison
            .groups
            .iter()
            .map(|c| c.keys.get(key).map_or("", String::as_str))
    };
    let ids = rows.map_or_else(|| labels.order(key, present()), <[String]>::to_vec);
    let cell = |id: &str, dimension: &str| {
        comparison
            .groups
            .iter()
            .find(|c| c.dimension == dimension && c.keys.get(key).is_some_and(|v| v == id))
            .map(CellView::from)
    };
    Matrix {
        key: key_label(key, labels),
        rows: ids
            .iter()
            .enumerate()
            .map(|(i, id)| MatrixRow {
                label: labels.of(key, id),
                colour: rows.map(|_| charts::colour(i)),
                cells: dimensions.iter().map(|d| cell(id, d)).collect(),
            })
            .collect(),
        dimensions: dimensions
            .iter()
            .map(|d| labels.of("dimension", d))
            .collect(),
    }
}

fn key_label(key: &str, labels: &Labels) -> String {
    match key {
        "offering" | "role" | "phase" => labels.words.text(&format!("report.{key}")).to_string(),
        attribute => labels.attribute(attribute),
    }
}

/// Section 3: offerings at one phase.
#[derive(Debug, Serialize)]
struct Scores {
    phase: String,
    table: Matrix,
    chart: Chart,
    pairwise: Vec<PairRow>,
}

fn scores(comparison: &Comparison, phase: &str, labels: &Labels) -> Scores {
    let words = labels.words;
    let offerings = labels.all(
        "offering",
        comparison
            .groups
            .iter()
            .filter_map(|c| c.keys.get("offering").map(String::as_str)),
    );
    let table = matrix(comparison, "offering", Some(&offerings), labels);
    let rows: Vec<String> = table.rows.iter().map(|r| r.label.clone()).collect();
    let panels: Vec<PanelData<Estimate>> = table
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, title)| PanelData {
            title: title.clone(),
            values: table
                .rows
                .iter()
                .map(|r| {
                    r.cells[d].as_ref().map(|c| Estimate {
                        mean: c.mean,
                        ci: c.ci_t,
                    })
                })
                .collect(),
        })
        .collect();
    let phase = labels.of("phase", phase);
    Scores {
        chart: charts::dot_chart(
            &words.fill("report.chart_scores", &[("phase", &phase)]),
            &rows,
            &panels,
            words,
        ),
        pairwise: pair_rows(&comparison.pairwise, "offering", labels),
        phase,
        table,
    }
}

#[derive(Debug, Serialize)]
struct PairRow {
    dimension: String,
    a: String,
    b: String,
    n_a: usize,
    n_b: usize,
    diff: f64,
    diff_ci: Option<[f64; 2]>,
    g: Option<f64>,
    g_ci: Option<[f64; 2]>,
    p: Option<f64>,
    p_holm: Option<f64>,
}

fn pair_rows(pairs: &[Pairwise], key: &str, labels: &Labels) -> Vec<PairRow> {
    pairs
        .iter()
        .map(|p| PairRow {
            dimension: labels.of("dimension", &p.dimension),
            a: labels.of(key, &p.a),
            b: labels.of(key, &p.b),
            n_a: p.n_a,
            n_b: p.n_b,
            diff: p.diff,
            diff_ci: p.diff_ci95,
            g: p.hedges_g,
            g_ci: p.hedges_g_ci95,
            p: p.p,
            p_holm: p.p_holm,
        })
        .collect()
}

/// Section 4: change from the first to the last phase.
#[derive(Debug, Serialize)]
struct ChangeView {
    from: String,
    to: String,
    rows: Vec<ChangeRow>,
    chart: Chart,
    pairwise: Vec<PairRow>,
}

#[derive(Debug, Serialize)]
struct ChangeRow {
    offering: String,
    colour: &'static str,
    dimension: String,
    n_pairs: usize,
    unpaired: usize,
    mean_change: Option<f64>,
    ci: Option<[f64; 2]>,
    dz: Option<f64>,
    p: Option<f64>,
}

fn change(comparison: &Comparison, scores: &[GroupScore], labels: &Labels) -> ChangeView {
    let words = labels.words;
    let changes = comparison.change.as_deref().unwrap_or_default();
    let [from, to] = comparison.change_phases.clone().unwrap_or_default();
    let offerings = labels.all("offering", changes.iter().map(|c| c.offering.as_str()));
    let dimensions = labels.order("dimension", changes.iter().map(|c| c.dimension.as_str()));
    let colour_of = |o: &str| charts::colour(offerings.iter().position(|x| x == o).unwrap_or(0));
    let rank = |c: &&Change| {
        let position = |list: &[String], id: &str| list.iter().position(|x| x == id);
        (
            position(&offerings, &c.offering),
            position(&dimensions, &c.dimension),
        )
    };
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by_key(rank);
    let rows = sorted
        .into_iter()
        .map(|c| ChangeRow {
            offering: labels.of("offering", &c.offering),
            colour: colour_of(&c.offering),
            dimension: labels.of("dimension", &c.dimension),
            n_pairs: c.n_pairs,
            unpaired: c.unpaired,
            mean_change: c.mean_change,
            ci: c.ci95,
            dz: c.dz,
            p: c.p,
        })
        .collect();
    let means = paired_means(scores, &from, &to);
    let panels: Vec<PanelData<(f64, f64)>> = dimensions
        .iter()
        .map(|d| PanelData {
            title: labels.of("dimension", d),
            values: offerings
                .iter()
                .map(|o| means.get(&(o.clone(), d.clone())).copied())
                .collect(),
        })
        .collect();
    let (from, to) = (labels.of("phase", &from), labels.of("phase", &to));
    let row_labels: Vec<String> = offerings.iter().map(|o| labels.of("offering", o)).collect();
    ChangeView {
        chart: charts::arrow_chart(
            &words.fill("report.chart_change", &[("from", &from), ("to", &to)]),
            &row_labels,
            &panels,
            words,
        ),
        pairwise: pair_rows(
            comparison.change_pairwise.as_deref().unwrap_or_default(),
            "offering",
            labels,
        ),
        rows,
        from,
        to,
    }
}

/// Per (offering, dimension): the mean at `from` and at `to` of the groups
/// scored at both (the offering is the group's at `from`).
fn paired_means(
    scores: &[GroupScore],
    from: &str,
    to: &str,
) -> BTreeMap<(String, String), (f64, f64)> {
    let at = |phase: &str| -> BTreeMap<(&str, &str), &GroupScore> {
        scores
            .iter()
            .filter(|s| s.key("phase") == phase)
            .map(|s| ((s.group.as_str(), s.dimension.as_str()), s))
            .collect()
    };
    let (before, after) = (at(from), at(to));
    let mut sums: BTreeMap<(String, String), (f64, f64, usize)> = BTreeMap::new();
    for (key, first) in &before {
        if let Some(last) = after.get(key) {
            let sum = sums
                .entry((first.key("offering").to_string(), first.dimension.clone()))
                .or_default();
            sum.0 += first.score;
            sum.1 += last.score;
            sum.2 += 1;
        }
    }
    sums.into_iter()
        .map(|(key, (a, b, n))| (key, (a / n as f64, b / n as f64)))
        .collect()
}

/// Section 6: rater agreement of the sessions with ratings.
#[derive(Debug, Serialize)]
struct AgreementView {
    sessions: Vec<SessionAgreementView>,
    unrated: Vec<String>,
}

#[derive(Debug, Serialize)]
struct SessionAgreementView {
    session: String,
    rows: Vec<AgreementRow>,
}

#[derive(Debug, Serialize)]
struct AgreementRow {
    criterion: String,
    title: String,
    units: usize,
    raters: usize,
    percent: Option<f64>,
    kappa: Option<f64>,
    alpha: Option<f64>,
    alpha_ci: Option<[f64; 2]>,
    auto_units: usize,
    auto_alpha: Option<f64>,
    auto_kappa: Option<f64>,
}

fn agreement(report: &Report, labels: &Labels) -> AgreementView {
    let rated: Vec<&super::SessionRatings> = report
        .agreement
        .iter()
        .filter(|s| !s.agreement.human.criteria.is_empty())
        .collect();
    AgreementView {
        unrated: report
            .data
            .sessions
            .iter()
            .filter(|s| !rated.iter().any(|r| r.session == s.id))
            .map(|s| s.id.clone())
            .collect(),
        sessions: rated
            .iter()
            .map(|r| SessionAgreementView {
                session: r.session.clone(),
                rows: agreement_rows(r, labels),
            })
            .collect(),
    }
}

fn agreement_rows(ratings: &super::SessionRatings, labels: &Labels) -> Vec<AgreementRow> {
    let auto = &ratings.agreement.auto_vs_human.criteria;
    ratings
        .agreement
        .human
        .criteria
        .iter()
        .map(|(id, c)| {
            let a = auto.get(id);
            AgreementRow {
                criterion: id.clone(),
                title: labels.criterion(id).to_string(),
                units: c.n_units,
                raters: c.n_raters,
                percent: c.percent_agreement,
                kappa: c.kappa,
                alpha: c.alpha_ordinal,
                alpha_ci: c.alpha_ordinal_ci95,
                auto_units: a.map_or(0, |a| a.n_units),
                auto_alpha: a.and_then(|a| a.alpha_ordinal),
                auto_kappa: a.and_then(|a| a.kappa),
            }
        })
        .collect()
}

/// Section 7: the criteria heatmap and the most missed criteria overall.
#[derive(Debug, Serialize)]
struct MissedView {
    phase: String,
    heatmap: Heatmap,
    most: Vec<MostMissed>,
    example: Option<Example>,
}

#[derive(Debug, Serialize)]
struct MostMissed {
    id: String,
    title: String,
    share: f64,
    units: usize,
}

fn missed_view(
    data: &StudyData,
    phase: &str,
    example: Option<&Example>,
    labels: &Labels,
) -> MissedView {
    let words = labels.words;
    let missed = missed::missed(data, phase);
    let offerings = labels.order("offering", missed.tallies.keys().map(|(_, o)| o.as_str()));
    let rows: Vec<HeatInput> = missed
        .criteria
        .iter()
        .map(|id| HeatInput {
            id: id.clone(),
            dimension: missed.dimension_of[id].clone(),
            title: labels.criterion(id).to_string(),
            tallies: offerings
                .iter()
                .map(|o| missed.tallies.get(&(id.clone(), o.clone())).copied())
                .collect(),
        })
        .collect();
    let phase = labels.of("phase", phase);
    let columns: Vec<String> = offerings.iter().map(|o| labels.of("offering", o)).collect();
    MissedView {
        heatmap: charts::heatmap(
            &words.fill("report.chart_missed", &[("phase", &phase)]),
            &columns,
            &rows,
            words,
        ),
        most: most_missed(&missed, labels),
        example: example.cloned(),
        phase,
    }
}

/// The three criteria with the largest share at level 0 over all offerings.
fn most_missed(missed: &Missed, labels: &Labels) -> Vec<MostMissed> {
    let mut all: Vec<MostMissed> = missed
        .criteria
        .iter()
        .map(|id| {
            let total = missed.total(id);
            MostMissed {
                id: id.clone(),
                title: labels.criterion(id).to_string(),
                share: total.share(),
                units: total.units,
            }
        })
        .filter(|m| m.share > 0.0)
        .collect();
    all.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.id.cmp(&b.id)));
    all.truncate(3);
    all
}

/// The power section: what was simulated, the curves, the table and the
/// recommendation per dimension.
#[derive(Debug, Serialize)]
struct PowerView {
    study: String,
    a: String,
    b: String,
    phase: String,
    difference: f64,
    icc: f64,
    vignettes_per_group: usize,
    english: f64,
    alpha: f64,
    target: f64,
    replications: usize,
    seed: u64,
    chart: CurveChart,
    dimensions: Vec<String>,
    rows: Vec<PowerRow>,
    recommendations: Vec<String>,
}

/// One design: its power on each dimension (`None`: not simulated).
#[derive(Debug, Serialize)]
struct PowerRow {
    sites: usize,
    groups_per_site: usize,
    groups: usize,
    cells: Vec<Option<PowerCell>>,
}

#[derive(Debug, Serialize)]
struct PowerCell {
    site: f64,
    site_se: f64,
    group: f64,
    diff: Option<f64>,
    g: Option<f64>,
    /// Whether the site-level power reaches the target.
    reached: bool,
}

fn power_view(power: &Power, labels: &Labels) -> PowerView {
    let words = labels.words;
    let [a, b] = &power.offerings;
    let dimension = |id: &str| labels.of("dimension", id);
    PowerView {
        study: power.study.clone(),
        a: labels.of("offering", a),
        b: labels.of("offering", b),
        phase: labels.of("phase", &power.phase),
        difference: power.difference,
        icc: power.icc,
        vignettes_per_group: power.vignettes_per_group,
        english: power.english,
        alpha: power.alpha,
        target: power.target,
        replications: power.replications,
        seed: power.seed,
        chart: power_chart(power, labels),
        dimensions: power.dimensions.iter().map(|d| dimension(d)).collect(),
        rows: power_rows(power),
        recommendations: power
            .recommendations
            .iter()
            .map(|r| match &r.design {
                Some(d) => words.fill(
                    "report.recommended",
                    &[
                        ("dimension", &dimension(&r.dimension)),
                        ("sites", &d.sites),
                        ("per_site", &d.groups_per_site),
                        ("groups", &d.groups),
                        ("power", &format!("{:.2}", d.power)),
                    ],
                ),
                None => words.fill(
                    "report.none_reaches",
                    &[
                        ("dimension", &dimension(&r.dimension)),
                        ("target", &power.target),
                    ],
                ),
            })
            .collect(),
    }
}

/// The designs in the order of the file, each with a cell per dimension.
fn power_rows(power: &Power) -> Vec<PowerRow> {
    let mut designs: Vec<(usize, usize)> = Vec::new();
    for r in &power.rows {
        if !designs.contains(&(r.sites, r.groups_per_site)) {
            designs.push((r.sites, r.groups_per_site));
        }
    }
    designs
        .into_iter()
        .map(|(sites, groups_per_site)| {
            let cell = |dimension: &String| {
                let row = power.rows.iter().find(|r| {
                    (r.sites, r.groups_per_site) == (sites, groups_per_site)
                        && &r.dimension == dimension
                })?;
                Some(PowerCell {
                    site: row.site_level.power,
                    site_se: row.site_level.mc_se,
                    group: row.group_level.power,
                    diff: row.mean_diff,
                    g: row.mean_hedges_g,
                    reached: row.site_level.power >= power.target,
                })
            };
            PowerRow {
                sites,
                groups_per_site,
                groups: sites * groups_per_site,
                cells: power.dimensions.iter().map(cell).collect(),
            }
        })
        .collect()
}

/// Site-level power by groups per offering: a panel per dimension, a line
/// per number of municipalities.
fn power_chart(power: &Power, labels: &Labels) -> CurveChart {
    let words = labels.words;
    let mut sites: Vec<usize> = power.rows.iter().map(|r| r.sites).collect();
    sites.sort_unstable();
    sites.dedup();
    let label = |n: usize| words.fill("report.per_offering", &[("count", &n)]);
    let series_of = |dimension: &str, n: usize| {
        let mut rows: Vec<&Row> = power
            .rows
            .iter()
            .filter(|r| r.dimension == dimension && r.sites == n)
            .collect();
        rows.sort_by_key(|r| r.groups);
        Series {
            label: label(n),
            points: rows
                .iter()
                .map(|r| (r.groups as f64, r.site_level.power))
                .collect(),
        }
    };
    let panels: Vec<(String, Vec<Series>)> = power
        .dimensions
        .iter()
        .map(|d| {
            let series = sites.iter().map(|&n| series_of(d, n));
            let series = series.filter(|s| !s.points.is_empty()).collect();
            (labels.of("dimension", d), series)
        })
        .collect();
    let legend: Vec<String> = sites.iter().map(|&n| label(n)).collect();
    charts::curve_chart(
        words.text("report.chart_power"),
        power.target,
        &legend,
        &panels,
        words,
    )
}

/// Section 8.
#[derive(Debug, Serialize)]
struct Methods {
    groups: usize,
    units: usize,
    by_method: Vec<(String, usize)>,
    levels: usize,
    consensus_levels: usize,
    rubrics: Vec<RubricRow>,
    study_hashes: Vec<String>,
    boot: usize,
    seed: u64,
    warnings: Vec<(String, String)>,
    /// The key offerings are compared with as clusters (`site`), or none.
    level: Option<String>,
    /// Per offering, how many sites its groups are in.
    sites: Vec<(String, usize)>,
    /// Per dimension, the ICC of the offerings' comparison (where clustered).
    icc: Vec<(String, Option<f64>)>,
    /// How parallel forms rotated, when the sessions were drawn from forms.
    forms: Option<FormsMethod>,
}

/// The study's forms and, per offering, how many sites took each sequence.
#[derive(Debug, Serialize)]
struct FormsMethod {
    /// Form id and its vignettes, comma-separated.
    forms: Vec<(String, String)>,
    /// Per offering: each sequence of forms over the phases (`A → B`) and
    /// its number of sites.
    sequences: Vec<(String, Vec<(String, usize)>)>,
}

#[derive(Debug, Serialize)]
struct RubricRow {
    id: String,
    version: String,
    hash: String,
    units: usize,
}

fn methods(report: &Report, labels: &Labels) -> Methods {
    let data = &report.data;
    let mut by_method: BTreeMap<String, usize> = BTreeMap::new();
    let mut rubrics: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for unit in &data.units {
        *by_method.entry(unit.method.clone()).or_default() += 1;
        *rubrics
            .entry((&unit.rubric, &unit.rubric_version, &unit.rubric_hash))
            .or_default() += 1;
    }
    let levels = data.units.iter().flat_map(|u| &u.criteria);
    let a = &report.analyses;
    Methods {
        groups: data.groups.len(),
        units: data.units.len(),
        by_method: by_method.into_iter().collect(),
        levels: levels.clone().count(),
        consensus_levels: levels.filter(|l| l.method != "auto").count(),
        rubrics: rubrics
            .into_iter()
            .map(|((id, version, hash), units)| RubricRow {
                id: id.to_string(),
                version: version.to_string(),
                hash: hash.to_string(),
                units,
            })
            .collect(),
        study_hashes: data.study_hashes.iter().cloned().collect(),
        boot: a.offerings.boot,
        seed: a.offerings.seed,
        warnings: warnings(report, labels.words),
        level: a.offerings.cluster.clone(),
        sites: sites_per_offering(data),
        icc: a
            .offerings
            .clustering
            .iter()
            .flatten()
            .map(|c| (c.dimension.clone(), c.icc))
            .collect(),
        forms: forms_method(data),
    }
}

/// The forms and each offering's sequences of them, from the sessions'
/// designs; `None` when no session was drawn from a form.
fn forms_method(data: &StudyData) -> Option<FormsMethod> {
    let phase_rank = |phase: &str| data.study.phases.iter().position(|p| p.id == phase);
    // (offering, site) → (phase rank, form) of each of its sessions.
    type PhaseForms = Vec<(Option<usize>, String)>;
    let mut sites: BTreeMap<(&str, &str), PhaseForms> = BTreeMap::new();
    for session in &data.sessions {
        if let Some(form) = forms::form_of_design(&session.design) {
            sites
                .entry((&session.offering, &session.site))
                .or_default()
                .push((phase_rank(&session.phase), form));
        }
    }
    if sites.is_empty() {
        return None;
    }
    let mut sequences: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for ((offering, _), mut phases) in sites {
        phases.sort();
        let sequence: Vec<String> = phases.into_iter().map(|(_, f)| f).collect();
        *sequences
            .entry(offering)
            .or_default()
            .entry(sequence.join(" → "))
            .or_default() += 1;
    }
    Some(FormsMethod {
        forms: data
            .study
            .forms
            .iter()
            .map(|f| (f.id.clone(), f.vignettes.join(", ")))
            .collect(),
        sequences: sequences
            .into_iter()
            .map(|(o, s)| (o.to_string(), s.into_iter().collect()))
            .collect(),
    })
}

/// Per offering, the number of distinct sites of its groups.
fn sites_per_offering(data: &StudyData) -> Vec<(String, usize)> {
    let mut sites: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for group in &data.groups {
        let key = |k: &str| group.keys.get(k).map_or("", String::as_str);
        sites
            .entry(key("offering"))
            .or_default()
            .insert(key("site"));
    }
    sites
        .into_iter()
        .map(|(offering, sites)| (offering.to_string(), sites.len()))
        .collect()
}

/// Every comparison's warnings in the report's language, once each, with
/// the section they belong to.
fn warnings(report: &Report, words: &Messages) -> Vec<(String, String)> {
    let a = &report.analyses;
    let sections = [
        ("report.warnings_scores", Some(&a.offerings)),
        ("report.warnings_change", a.change.as_ref()),
        ("report.warnings_roles", Some(&a.roles)),
        ("report.warnings_centrality", a.centrality.as_ref()),
    ];
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (section, comparison) in sections {
        for warning in comparison.iter().flat_map(|c| &c.warnings) {
            let said = warning.in_words(words);
            if seen.insert(said.clone()) {
                out.push((words.text(section).to_string(), said));
            }
        }
    }
    out
}

/// The appendix: every group included.
#[derive(Debug, Serialize)]
struct GroupRow {
    session: String,
    label: String,
    role: String,
    composition: String,
    vignettes: String,
}

fn group_rows(data: &StudyData, labels: &Labels) -> Vec<GroupRow> {
    data.groups
        .iter()
        .map(|g| {
            let composition: Vec<String> = g
                .roles
                .iter()
                .map(|(role, n)| format!("{} × {n}", labels.of("role", role)))
                .collect();
            let vignettes: Vec<String> = data
                .units
                .iter()
                .filter(|u| u.session == g.session && u.label == g.label)
                .map(|u| format!("{} ({})", u.vignette, u.method))
                .collect();
            GroupRow {
                session: g.session.clone(),
                label: g.label.clone(),
                role: labels.of("role", g.keys.get("role").map_or("", String::as_str)),
                composition: composition.join(", "),
                vignettes: vignettes.join(", "),
            }
        })
        .collect()
}

/// A number with `digits` decimals (default 1), a true minus sign, "–" when missing.
pub(super) fn num(value: Option<f64>, digits: Option<usize>) -> String {
    let Some(x) = value.filter(|x| x.is_finite()) else {
        return "–".to_string();
    };
    let text = format!("{x:.*}", digits.unwrap_or(1));
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Like [`num`], with a plus sign on positive numbers.
pub(super) fn signed(value: Option<f64>, digits: Option<usize>) -> String {
    let text = num(value, digits);
    let positive = value.is_some_and(|x| x > 0.0) && text.chars().any(|c| matches!(c, '1'..='9'));
    if positive { format!("+{text}") } else { text }
}

/// An interval as "lo to hi", "–" when missing.
pub(super) fn ci(value: Option<Vec<f64>>, digits: Option<usize>) -> String {
    match value.as_deref() {
        Some([lo, hi]) => format!("{} to {}", num(Some(*lo), digits), num(Some(*hi), digits)),
        _ => "–".to_string(),
    }
}

/// Like [`ci`], in the words of the template's catalogue (`t.interval_to`).
pub(super) fn ci_in_words(state: &State, value: Option<Vec<f64>>, digits: Option<usize>) -> String {
    let words = state
        .lookup("t")
        .and_then(|t| t.get_attr("interval_to").ok())
        .and_then(|w| w.as_str().map(str::to_string));
    match (value.as_deref(), words) {
        (Some([lo, hi]), Some(words)) => messages::fill_in(
            &words,
            &[
                ("lo", &num(Some(*lo), digits)),
                ("hi", &num(Some(*hi), digits)),
            ],
        ),
        _ => ci(value, digits),
    }
}

/// A p-value with three decimals, "< 0.001" below that.
pub(super) fn pvalue(value: Option<f64>) -> String {
    match value {
        Some(p) if p < 0.001 => "< 0.001".to_string(),
        p => num(p, Some(3)),
    }
}

/// A share (0–1) as a whole percentage.
pub(super) fn pct(value: Option<f64>) -> String {
    match value {
        Some(x) if x.is_finite() => format!("{:.0} %", x * 100.0),
        _ => "–".to_string(),
    }
}
