//! The geometry of the report's charts, in SVG user units: dot-and-whisker
//! and arrow charts on the 0–100 score scale (one panel per dimension, one
//! row per offering), the criteria heatmap and power curves. The templates
//! draw them.

use serde::Serialize;

use super::missed::Tally;
use crate::messages::Messages;

/// Okabe–Ito colours, distinguishable with every common colour-vision deficiency.
const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
];

const WIDTH: f64 = 960.0;
const LABEL_WIDTH: f64 = 230.0;
const GAP: f64 = 30.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 34.0;
const ROW: f64 = 40.0;
const AXIS: f64 = 52.0;
const TICKS: [f64; 5] = [0.0, 25.0, 50.0, 75.0, 100.0];

/// The colour of the `index`-th series.
pub(super) fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// A mean and its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Estimate {
    pub mean: f64,
    pub ci: Option<[f64; 2]>,
}

/// One panel's input: its title and a value per row (`None`: no data).
pub(super) struct PanelData<T> {
    pub title: String,
    pub values: Vec<Option<T>>,
}

/// A chart of rows × panels on the 0–100 scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Chart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub axis_y: f64,
    pub axis_label: String,
    pub rows: Vec<RowLabel>,
    pub panels: Vec<Panel>,
}

/// A row's label, wrapped, at the row's centre line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct RowLabel {
    pub y: f64,
    pub lines: Vec<String>,
    pub colour: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Panel {
    pub x: f64,
    pub width: f64,
    pub title: String,
    pub ticks: Vec<Tick>,
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Tick {
    pub x: f64,
    pub label: String,
}

/// One row in one panel: a dot with a whisker, or an arrow from `x1` to `x`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Mark {
    pub y: f64,
    pub colour: &'static str,
    /// The mean (dot) or where the arrow ends; `None`: no data.
    pub x: Option<f64>,
    /// The whisker's ends, or the arrow's start in `x1`.
    pub x1: Option<f64>,
    pub x2: Option<f64>,
    /// Whether the interval runs past 0 or 100 (no end cap there).
    pub cut: [bool; 2],
    /// The arrow head, as polygon points.
    pub head: Option<String>,
    /// The number written by the mark (where an arrow ends).
    pub value: String,
    /// The number written where an arrow starts.
    pub start: String,
    /// The value label's x.
    pub value_x: f64,
}

/// Dot-and-whisker chart: means with 95 % intervals.
pub(super) fn dot_chart(
    title: &str,
    rows: &[String],
    panels: &[PanelData<Estimate>],
    words: &Messages,
) -> Chart {
    let mut chart = frame(title, rows, panels.len(), words);
    let mut desc = Vec::new();
    for (panel, data) in chart.panels.iter_mut().zip(panels) {
        panel.title = data.title.clone();
        let mut said = Vec::new();
        for (row, value) in data.values.iter().enumerate() {
            panel.marks.push(dot(panel, row, *value, words));
            said.push(match value {
                Some(e) => format!("{} {}", rows[row], estimate_words(e, words)),
                None => format!("{} {}", rows[row], words.text("report.no_groups")),
            });
        }
        desc.push(format!("{}: {}.", data.title, said.join("; ")));
    }
    chart.desc = desc.join(" ");
    chart
}

/// Arrow chart: a mean at the first phase → the mean at the last.
pub(super) fn arrow_chart(
    title: &str,
    rows: &[String],
    panels: &[PanelData<(f64, f64)>],
    words: &Messages,
) -> Chart {
    let mut chart = frame(title, rows, panels.len(), words);
    let mut desc = Vec::new();
    for (panel, data) in chart.panels.iter_mut().zip(panels) {
        panel.title = data.title.clone();
        let mut said = Vec::new();
        for (row, value) in data.values.iter().enumerate() {
            panel.marks.push(arrow(panel, row, *value, words));
            said.push(match value {
                Some((from, to)) => words.fill(
                    "report.chart_from_to",
                    &[
                        ("row", &rows[row]),
                        ("from", &format!("{from:.1}")),
                        ("to", &format!("{to:.1}")),
                    ],
                ),
                None => format!("{} {}", rows[row], words.text("report.chart_no_pairs")),
            });
        }
        desc.push(format!("{}: {}.", data.title, said.join("; ")));
    }
    chart.desc = desc.join(" ");
    chart
}

fn estimate_words(e: &Estimate, words: &Messages) -> String {
    let mean = format!("{:.1}", e.mean);
    match e.ci {
        Some([lo, hi]) => words.fill(
            "report.chart_estimate",
            &[
                ("mean", &mean),
                ("lo", &format!("{lo:.1}")),
                ("hi", &format!("{hi:.1}")),
            ],
        ),
        None => words.fill("report.chart_no_interval", &[("mean", &mean)]),
    }
}

/// Panels side by side after a label column; rows top to bottom.
fn frame(title: &str, rows: &[String], panels: usize, words: &Messages) -> Chart {
    let count = panels.max(1) as f64;
    let width = (WIDTH - LABEL_WIDTH - RIGHT - GAP * (count - 1.0)) / count;
    let axis_y = TOP + ROW * rows.len() as f64;
    Chart {
        width: WIDTH,
        height: axis_y + AXIS,
        title: title.to_string(),
        desc: String::new(),
        axis_y,
        axis_label: words.text("report.score_axis").to_string(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, label)| RowLabel {
                y: row_y(i),
                lines: wrap(label, 32, 2),
                colour: colour(i),
            })
            .collect(),
        panels: (0..panels)
            .map(|i| {
                let x = LABEL_WIDTH + i as f64 * (width + GAP);
                Panel {
                    x,
                    width,
                    title: String::new(),
                    ticks: TICKS
                        .iter()
                        .map(|t| Tick {
                            x: scale(x, width, *t),
                            label: format!("{t:.0}"),
                        })
                        .collect(),
                    marks: Vec::new(),
                }
            })
            .collect(),
    }
}

fn row_y(row: usize) -> f64 {
    TOP + ROW * row as f64 + ROW / 2.0
}

/// The x of a score in a panel; scores are clamped to 0–100.
fn scale(x: f64, width: f64, score: f64) -> f64 {
    round(x + score.clamp(0.0, 100.0) / 100.0 * width)
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn empty(panel: &Panel, row: usize, words: &Messages) -> Mark {
    Mark {
        y: row_y(row),
        colour: colour(row),
        x: None,
        x1: None,
        x2: None,
        cut: [false; 2],
        head: None,
        value: words.text("report.no_data").to_string(),
        start: String::new(),
        value_x: round(panel.x + panel.width / 2.0),
    }
}

fn dot(panel: &Panel, row: usize, value: Option<Estimate>, words: &Messages) -> Mark {
    let Some(e) = value else {
        return empty(panel, row, words);
    };
    let x = scale(panel.x, panel.width, e.mean);
    Mark {
        x: Some(x),
        x1: e.ci.map(|[lo, _]| scale(panel.x, panel.width, lo)),
        x2: e.ci.map(|[_, hi]| scale(panel.x, panel.width, hi)),
        cut: e.ci.map_or([false; 2], |[lo, hi]| [lo < 0.0, hi > 100.0]),
        value: format!("{:.1}", e.mean),
        value_x: x,
        ..empty(panel, row, words)
    }
}

fn arrow(panel: &Panel, row: usize, value: Option<(f64, f64)>, words: &Messages) -> Mark {
    let Some((from, to)) = value else {
        return empty(panel, row, words);
    };
    let (x1, x) = (
        scale(panel.x, panel.width, from),
        scale(panel.x, panel.width, to),
    );
    let y = row_y(row);
    let direction = if x >= x1 { 1.0 } else { -1.0 };
    let head = (x - x1).abs() >= 2.0;
    Mark {
        x: Some(x),
        x1: Some(x1),
        head: head.then(|| {
            let back = round(x - 7.0 * direction);
            format!("{x},{y} {back},{} {back},{}", y - 4.5, y + 4.5)
        }),
        value: format!("{to:.1}"),
        start: format!("{from:.1}"),
        value_x: round(x + 12.0 * direction),
        ..empty(panel, row, words)
    }
}

/// Splits `text` into at most `lines` lines of at most `width` characters
/// at spaces; what does not fit ends in "…".
pub(super) fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let fits = current.chars().count() + 1 + word.chars().count() <= width;
        if current.is_empty() || fits {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(word);
        }
    }
    out.push(current);
    if out.len() > lines {
        out.truncate(lines);
        let last = &mut out[lines - 1];
        let kept: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", kept.trim_end());
    }
    for line in &mut out {
        if line.chars().count() > width {
            let kept: String = line.chars().take(width.saturating_sub(1)).collect();
            *line = format!("{kept}…");
        }
    }
    out
}

/// Five steps of a single-hue (orange) scale, lightest first, with the ink
/// that reads on each.
const STEPS: [(&str, &str); 5] = [
    ("#FEEDDE", "#1a2130"),
    ("#FDBE85", "#1a2130"),
    ("#FD8D3C", "#1a2130"),
    ("#D94701", "#ffffff"),
    ("#8C2D04", "#ffffff"),
];

const HEAT_LABEL: f64 = 380.0;
const HEAT_TOP: f64 = 54.0;
const HEAT_ROW: f64 = 26.0;
const HEAT_GAP: f64 = 10.0;
const HEAT_LEGEND: f64 = 64.0;

/// The criteria heatmap: rows are criteria, columns offerings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Heatmap {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub cell_width: f64,
    pub cell_height: f64,
    pub columns: Vec<Column>,
    pub rows: Vec<HeatRow>,
    pub legend_y: f64,
    pub legend: Vec<LegendStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Column {
    /// The column's centre.
    pub x: f64,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct HeatRow {
    pub y: f64,
    pub id: String,
    /// The id's code, e.g. `H5` of `H5_activity_plan`.
    pub code: String,
    pub title: String,
    /// The title cut to fit.
    pub short: String,
    pub cells: Vec<HeatCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct HeatCell {
    pub x: f64,
    pub fill: &'static str,
    pub ink: &'static str,
    pub text: String,
    /// What a pointer shows: the counts behind the share.
    pub tip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct LegendStep {
    pub x: f64,
    pub fill: &'static str,
    pub label: String,
}

/// One heatmap row's input: criterion id, title, a tally per column.
pub(super) struct HeatInput {
    pub id: String,
    pub dimension: String,
    pub title: String,
    pub tallies: Vec<Option<Tally>>,
}

/// Lays out the heatmap of level-0 shares; a gap between dimensions.
pub(super) fn heatmap(
    title: &str,
    columns: &[String],
    rows: &[HeatInput],
    words: &Messages,
) -> Heatmap {
    let cell_width =
        ((WIDTH - HEAT_LABEL - RIGHT) / columns.len().max(1) as f64).clamp(90.0, 150.0);
    let width = HEAT_LABEL + cell_width * columns.len() as f64 + RIGHT;
    let mut y = HEAT_TOP;
    let mut laid = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if i > 0 && rows[i - 1].dimension != row.dimension {
            y += HEAT_GAP;
        }
        laid.push(heat_row(y, row, cell_width, words));
        y += HEAT_ROW;
    }
    let legend_y = y + 22.0;
    Heatmap {
        width: width.max(HEAT_LABEL + 5.0 * 64.0 + RIGHT),
        height: legend_y + HEAT_LEGEND,
        title: title.to_string(),
        desc: rows
            .iter()
            .map(|r| row_words(r, columns, words))
            .collect::<Vec<_>>()
            .join(" "),
        cell_width,
        cell_height: HEAT_ROW - 2.0,
        columns: columns
            .iter()
            .enumerate()
            .map(|(i, label)| Column {
                x: round(HEAT_LABEL + cell_width * (i as f64 + 0.5)),
                lines: wrap(label, (cell_width / 7.0) as usize, 2),
            })
            .collect(),
        rows: laid,
        legend_y,
        legend: STEPS
            .iter()
            .enumerate()
            .map(|(i, (fill, _))| LegendStep {
                x: HEAT_LABEL + 64.0 * i as f64,
                fill,
                label: format!("{}–{} %", i * 20, (i + 1) * 20),
            })
            .collect(),
    }
}

fn heat_row(y: f64, row: &HeatInput, cell_width: f64, words: &Messages) -> HeatRow {
    let short = wrap(&row.title, 50, 1).remove(0);
    HeatRow {
        y,
        id: row.id.clone(),
        code: row.id.split('_').next().unwrap_or_default().to_string(),
        title: row.title.clone(),
        short,
        cells: row
            .tallies
            .iter()
            .enumerate()
            .map(|(i, tally)| heat_cell(HEAT_LABEL + cell_width * i as f64, *tally, words))
            .collect(),
    }
}

fn heat_cell(x: f64, tally: Option<Tally>, words: &Messages) -> HeatCell {
    let Some(tally) = tally else {
        return HeatCell {
            x,
            fill: "#F1F2F5",
            ink: "#5a6478",
            text: "–".to_string(),
            tip: words.text("report.not_scored_here").to_string(),
        };
    };
    let share = tally.share();
    let step = ((share * 5.0) as usize).min(4);
    HeatCell {
        x,
        fill: STEPS[step].0,
        ink: STEPS[step].1,
        text: format!("{:.0} %", share * 100.0),
        tip: words.fill(
            "report.units_at_zero",
            &[("zero", &tally.zero), ("units", &tally.units)],
        ),
    }
}

fn row_words(row: &HeatInput, columns: &[String], words: &Messages) -> String {
    let cells: Vec<String> = columns
        .iter()
        .zip(&row.tallies)
        .map(|(column, tally)| match tally {
            Some(t) => format!("{column} {:.0} %", t.share() * 100.0),
            None => format!("{column} {}", words.text("report.not_scored")),
        })
        .collect();
    words.fill(
        "report.chart_missed_row",
        &[("id", &row.id), ("cells", &cells.join(", "))],
    )
}

const CURVE_TOP: f64 = 34.0;
const CURVE_HEIGHT: f64 = 220.0;
const CURVE_LEFT: f64 = 40.0;
const CURVE_LEGEND_ITEM: f64 = 210.0;
const CURVE_LEGEND_ROW: f64 = 20.0;
/// Power ticks: 0 to 1 in fifths.
const POWER_TICKS: [f64; 6] = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];

/// One line of a power panel: (groups per offering, power) points.
pub(super) struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// Power curves side by side, one panel per dimension, with the target as
/// a dashed line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct CurveChart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub plot_top: f64,
    pub plot_bottom: f64,
    pub target_y: f64,
    pub axis_label: String,
    pub y_ticks: Vec<YTick>,
    pub panels: Vec<CurvePanel>,
    /// One item per series label, then the target (dashed).
    pub legend: Vec<LegendItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct YTick {
    pub y: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct CurvePanel {
    /// The plot area's left edge and width.
    pub x: f64,
    pub width: f64,
    pub title: String,
    pub ticks: Vec<Tick>,
    pub lines: Vec<CurveLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct CurveLine {
    pub colour: &'static str,
    /// SVG polyline points: `x,y x,y …`.
    pub points: String,
    pub dots: Vec<CurveDot>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct CurveDot {
    pub x: f64,
    pub y: f64,
    /// What a pointer shows.
    pub tip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub colour: &'static str,
    pub label: String,
    pub dashed: bool,
}

/// A step of 1, 2 or 5 times a power of ten near `raw` (at least 1).
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        f if f <= 1.0 => 1.0,
        f if f <= 2.0 => 2.0,
        f if f <= 5.0 => 5.0,
        _ => 10.0,
    } * magnitude;
    step.max(1.0)
}

/// Power curves: x groups per offering (from 0), y power 0–1. Series of
/// the same label share a colour in every panel, in the order of `labels`.
pub(super) fn curve_chart(
    title: &str,
    target: f64,
    labels: &[String],
    panels: &[(String, Vec<Series>)],
    words: &Messages,
) -> CurveChart {
    let largest = panels
        .iter()
        .flat_map(|(_, series)| series.iter().flat_map(|s| &s.points))
        .map(|(x, _)| *x)
        .fold(1.0, f64::max);
    let step = nice_step(largest / 4.0);
    let x_max = (largest / step).ceil() * step;
    let count = panels.len().max(1) as f64;
    let width = (WIDTH - RIGHT - GAP * (count - 1.0)) / count - CURVE_LEFT;
    let plot_bottom = CURVE_TOP + CURVE_HEIGHT;
    let y_of = |power: f64| round(plot_bottom - power.clamp(0.0, 1.0) * CURVE_HEIGHT);
    let colour_of = |label: &str| colour(labels.iter().position(|l| l == label).unwrap_or(0));
    let mut desc = Vec::new();
    let laid = panels
        .iter()
        .enumerate()
        .map(|(i, (panel_title, series))| {
            let x = CURVE_LEFT + i as f64 * (width + CURVE_LEFT + GAP);
            let x_of = |groups: f64| round(x + groups / x_max * width);
            let mut said = Vec::new();
            let lines = series
                .iter()
                .map(|s| {
                    let points: Vec<String> = s
                        .points
                        .iter()
                        .map(|(g, p)| {
                            words.fill(
                                "report.curve_point",
                                &[("groups", g), ("power", &format!("{p:.2}"))],
                            )
                        })
                        .collect();
                    said.push(format!("{}: {}", s.label, points.join(", ")));
                    let dots: Vec<CurveDot> = s
                        .points
                        .iter()
                        .map(|&(g, p)| CurveDot {
                            x: x_of(g),
                            y: y_of(p),
                            tip: words.fill(
                                "report.curve_tip",
                                &[
                                    ("label", &s.label),
                                    ("groups", &g),
                                    ("power", &format!("{p:.2}")),
                                ],
                            ),
                        })
                        .collect();
                    CurveLine {
                        colour: colour_of(&s.label),
                        points: dots
                            .iter()
                            .map(|d| format!("{},{}", d.x, d.y))
                            .collect::<Vec<_>>()
                            .join(" "),
                        dots,
                    }
                })
                .collect();
            desc.push(format!("{panel_title}: {}.", said.join("; ")));
            let ticks = (0..=(x_max / step).round() as usize)
                .map(|k| {
                    let groups = k as f64 * step;
                    Tick {
                        x: x_of(groups),
                        label: format!("{groups:.0}"),
                    }
                })
                .collect();
            CurvePanel {
                x,
                width,
                title: panel_title.clone(),
                ticks,
                lines,
            }
        })
        .collect();
    let legend = curve_legend(labels, target, plot_bottom + 62.0, words);
    CurveChart {
        width: WIDTH,
        height: legend
            .last()
            .map_or(plot_bottom + 50.0, |item| item.y + 14.0),
        title: title.to_string(),
        desc: format!(
            "{} {}",
            desc.join(" "),
            words.fill("report.curve_target", &[("target", &target)])
        ),
        plot_top: CURVE_TOP,
        plot_bottom,
        target_y: y_of(target),
        axis_label: words.text("report.groups_axis").to_string(),
        y_ticks: POWER_TICKS
            .iter()
            .map(|&p| YTick {
                y: y_of(p),
                label: format!("{p:.1}"),
            })
            .collect(),
        panels: laid,
        legend,
    }
}

/// The legend in rows from `top`: each series label, then the target.
fn curve_legend(labels: &[String], target: f64, top: f64, words: &Messages) -> Vec<LegendItem> {
    let per_row = ((WIDTH - CURVE_LEFT) / CURVE_LEGEND_ITEM).floor() as usize;
    let series = labels
        .iter()
        .enumerate()
        .map(|(i, label)| (colour(i), label.clone(), false));
    let target_label = words.fill("report.target_power", &[("target", &target)]);
    let target = ("#1a2130", target_label, true);
    series
        .chain(std::iter::once(target))
        .enumerate()
        .map(|(i, (colour, label, dashed))| LegendItem {
            x: CURVE_LEFT + CURVE_LEGEND_ITEM * (i % per_row) as f64,
            y: top + CURVE_LEGEND_ROW * (i / per_row) as f64,
            colour,
            label,
            dashed,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static Messages {
        crate::messages::of("en")
    }

    #[test]
    fn wrap_breaks_at_spaces_and_marks_what_is_cut() {
        assert_eq!(wrap("The online offering", 32, 2), ["The online offering"]);
        assert_eq!(
            wrap(
                "Network of municipalities with the educational-psychological service",
                32,
                2
            ),
            [
                "Network of municipalities with",
                "the educational-psychological…"
            ]
        );
        assert_eq!(wrap("", 10, 2), [""]);
    }

    #[test]
    fn dots_sit_on_the_scale_and_whiskers_span_the_interval() {
        let rows = ["A".to_string(), "B".to_string()];
        let chart = dot_chart(
            "t",
            &rows,
            &[PanelData {
                title: "Prevention".into(),
                values: vec![
                    Some(Estimate {
                        mean: 50.0,
                        ci: Some([40.0, 120.0]),
                    }),
                    None,
                ],
            }],
            en(),
        );
        let panel = &chart.panels[0];
        let (x0, w) = (panel.x, panel.width);
        let mark = &panel.marks[0];
        assert_eq!(mark.x, Some(round(x0 + w / 2.0)));
        assert_eq!(mark.x1, Some(round(x0 + 0.4 * w)));
        assert_eq!(mark.x2, Some(round(x0 + w)), "clamped at 100");
        assert_eq!(mark.cut, [false, true]);
        assert_eq!(panel.marks[1].x, None);
        assert!(
            chart
                .desc
                .contains("A 50.0 (95 % interval 40.0 to 120.0); B no groups")
        );
        assert_eq!(panel.ticks.first().map(|t| t.x), Some(x0));
    }

    #[test]
    fn arrows_point_the_way_scores_moved() {
        let rows = ["A".to_string()];
        let panels = [PanelData {
            title: "Handling".into(),
            values: vec![Some((60.0, 40.0))],
        }];
        let chart = arrow_chart("t", &rows, &panels, en());
        let mark = &chart.panels[0].marks[0];
        assert!(mark.x < mark.x1, "{mark:?}");
        assert!(mark.value_x < mark.x.unwrap());
        assert!(mark.head.is_some());
    }

    #[test]
    fn dimensions_are_set_apart_in_the_heatmap() {
        let row = |id: &str, dimension: &str| HeatInput {
            id: id.into(),
            dimension: dimension.into(),
            title: "t".into(),
            tallies: vec![None],
        };
        let rows = [
            row("P1_a", "prevention"),
            row("P2_b", "prevention"),
            row("D1_c", "detection"),
        ];
        let map = heatmap("t", &["A".to_string()], &rows, en());
        let ys: Vec<f64> = map.rows.iter().map(|r| r.y).collect();
        assert_eq!(
            ys,
            [
                HEAT_TOP,
                HEAT_TOP + HEAT_ROW,
                HEAT_TOP + 2.0 * HEAT_ROW + HEAT_GAP
            ]
        );
        assert_eq!(map.rows[2].code, "D1");
    }

    #[test]
    fn heat_cells_step_through_the_scale() {
        let cell = |zero, units| heat_cell(0.0, Some(Tally { units, zero }), en());
        assert_eq!(cell(0, 4).fill, STEPS[0].0);
        assert_eq!(cell(1, 4).fill, STEPS[1].0);
        assert_eq!(cell(4, 4).fill, STEPS[4].0);
        assert_eq!(cell(3, 4).text, "75 %");
        assert_eq!(heat_cell(0.0, None, en()).text, "–");
    }

    #[test]
    fn power_curves_rise_with_power_and_share_colours_by_label() {
        let labels = [
            "4 municipalities".to_string(),
            "8 municipalities".to_string(),
        ];
        let series = |label: &str, points: &[(f64, f64)]| Series {
            label: label.into(),
            points: points.to_vec(),
        };
        let panels = [
            (
                "Prevention".to_string(),
                vec![
                    series(&labels[0], &[(8.0, 0.2), (24.0, 0.5)]),
                    series(&labels[1], &[(16.0, 0.4), (48.0, 0.9)]),
                ],
            ),
            (
                "Handling".to_string(),
                vec![series(&labels[1], &[(16.0, 1.0)])],
            ),
        ];
        let chart = curve_chart("t", 0.8, &labels, &panels, en());
        let first = &chart.panels[0];
        let [low, high] = [&first.lines[0].dots[0], &first.lines[0].dots[1]];
        assert!(high.x > low.x && high.y < low.y, "{low:?} {high:?}");
        assert_eq!(chart.panels[1].lines[0].colour, first.lines[1].colour);
        assert_eq!(chart.y_ticks[0].y, chart.plot_bottom, "power 0 on the axis");
        assert_eq!(
            chart.target_y,
            round(chart.plot_bottom - 0.8 * CURVE_HEIGHT)
        );
        assert_eq!(
            first.ticks.last().unwrap().label,
            "60",
            "48 / 4 groups: steps of 20"
        );
        let legend: Vec<(&str, bool)> = chart
            .legend
            .iter()
            .map(|l| (l.label.as_str(), l.dashed))
            .collect();
        assert_eq!(
            legend,
            [
                ("4 municipalities", false),
                ("8 municipalities", false),
                ("target power 0.8", true)
            ]
        );
        assert_eq!(
            first.lines[0].points,
            format!("{},{} {},{}", low.x, low.y, high.x, high.y)
        );
        assert!(
            chart
                .desc
                .contains("Prevention: 4 municipalities: 8 groups 0.20, 24 groups 0.50")
        );
        assert!(chart.desc.ends_with("Dashed line: target 0.8."));
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        let steps: Vec<f64> = [0.3, 1.5, 3.0, 7.0, 12.0, 45.0].map(nice_step).to_vec();
        assert_eq!(steps, [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
    }
}
