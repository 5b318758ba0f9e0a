//! SPSS and Stata syntax that reads one table of an export and labels every
//! column and every value of a coded column.
//!
//! Labels come from the instruments (and our own words); each is made one
//! line, cut to the tool's limit and escaped for its quotes. Values from the
//! data appear only as the allowed values of coded columns, escaped alike.
//!
//! SPSS: text columns stay strings (the ids of the CSV) and coded ones get
//! value labels, which SPSS allows on strings of any width; `AUTORECODE`
//! makes numeric codes where a procedure needs them. Stata puts value labels
//! only on numbers, so coded text columns are `encode`d into codes in study
//! order, labelled.

use super::Provenance;
use super::table::{CodedValue, Column, Kind, Table};

/// SPSS limits in bytes: variable labels, value labels, one quoted piece per line.
const SPSS_VARIABLE_LABEL: usize = 255;
const SPSS_VALUE_LABEL: usize = 120;
const SPSS_PIECE: usize = 60;
/// Stata limits in characters: variable and data labels, value labels.
const STATA_LABEL: usize = 80;
const STATA_VALUE_LABEL: usize = 32_000;
/// The temporary name a coded Stata column is encoded into.
const STATA_CODE: &str = "_vignette_code";

/// The SPSS syntax (.sps) that reads `table` and labels it.
pub(super) fn spss(table: &Table, provenance: &Provenance, language: &str) -> String {
    let mut out = String::from("* Encoding: UTF-8.\n");
    for line in header(table, provenance) {
        out.push_str(&format!("* {line}\n"));
    }
    out.push_str(
        "* Run it with the export folder as the working directory (CD 'folder'.), in Unicode mode.\n\
         * Text columns stay strings with value labels; AUTORECODE gives numeric codes if needed.\n\n",
    );
    out.push_str(&format!(
        "GET DATA\n  /TYPE=TXT\n  /FILE='{}'\n  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n  \
         /DELCASE=LINE\n  /FIRSTCASE=2\n  /DELIMITERS=\",\"\n  /QUALIFIER='\"'\n  /VARIABLES=\n",
        table.file
    ));
    for (i, column) in table.columns.iter().enumerate() {
        out.push_str(&format!("    {} {}\n", column.name, spss_format(table, i)));
    }
    out.push_str(".\n\nVARIABLE LABELS\n");
    for (i, column) in table.columns.iter().enumerate() {
        let slash = if i == 0 { "" } else { "/" };
        out.push_str(&format!(
            "  {slash}{} {}\n",
            column.name,
            spss_string(&column.description, SPSS_VARIABLE_LABEL)
        ));
    }
    out.push_str(".\n");
    out.push_str(&spss_value_labels(&table.columns, language));
    let numbers: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| c.kind == Kind::Number)
        .map(|c| c.name.as_str())
        .collect();
    if !numbers.is_empty() {
        out.push_str(&format!("FORMATS {} (F8.2).\n", numbers.join(" ")));
    }
    out.push_str("EXECUTE.\n");
    out
}

/// Strings as wide as the widest value (data or allowed); numbers read with
/// no implied decimals, whatever their width.
fn spss_format(table: &Table, i: usize) -> String {
    let column = &table.columns[i];
    let widest = table.rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    match column.kind {
        Kind::String => {
            let allowed = column.values.iter().flatten().map(|v| v.value.len());
            format!("A{}", allowed.fold(widest, usize::max).clamp(1, 32_767))
        }
        Kind::Integer | Kind::Number => format!("F{}.0", widest.clamp(1, 40)),
    }
}

fn spss_value_labels(columns: &[Column], language: &str) -> String {
    let mut blocks = Vec::new();
    for column in columns {
        let Some(values) = column.values.as_ref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let mut block = format!(
            "  {}{}\n",
            if blocks.is_empty() { "" } else { "/" },
            column.name
        );
        for value in values {
            let code = match column.kind {
                Kind::String => spss_string(&value.value, usize::MAX),
                Kind::Integer | Kind::Number => value.value.clone(),
            };
            block.push_str(&format!(
                "    {code} {}\n",
                spss_string(&value_label(value, language), SPSS_VALUE_LABEL)
            ));
        }
        blocks.push(block);
    }
    if blocks.is_empty() {
        return String::new();
    }
    format!("VALUE LABELS\n{}.\n", blocks.concat())
}

/// A quoted SPSS string: `'` doubled, in pieces joined by `+` on new lines so
/// that no line is long.
fn spss_string(text: &str, max_bytes: usize) -> String {
    let text = one_line(text);
    let text = cut_bytes(&text, max_bytes);
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in text.chars() {
        if piece.len() + c.len_utf8() > SPSS_PIECE {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push(c);
    }
    pieces.push(piece);
    pieces
        .iter()
        .map(|p| format!("'{}'", p.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join("\n      + ")
}

/// The Stata do-file that reads `table` and labels it.
pub(super) fn stata(table: &Table, provenance: &Provenance, language: &str) -> String {
    let mut out = String::new();
    for line in header(table, provenance) {
        out.push_str(&format!("* {line}\n"));
    }
    out.push_str(&format!(
        "* Run it in the export folder (cd there first): do {}.do\n\
         * Coded text columns become numeric codes in study order with value labels.\n\n\
         version 14\n",
        table.stem()
    ));
    out.push_str(&stata_import(table));
    out.push_str(&format!(
        "label data {}\n",
        stata_string(&provenance.study, STATA_LABEL)
    ));
    for column in &table.columns {
        let Some(values) = column.values.as_ref().filter(|v| !v.is_empty()) else {
            continue;
        };
        out.push('\n');
        out.push_str(&match column.kind {
            Kind::String => stata_encode(&column.name, values, language),
            Kind::Integer | Kind::Number => {
                let entries: Vec<(String, String)> = values
                    .iter()
                    .map(|v| (v.value.clone(), value_label(v, language)))
                    .collect();
                let define = stata_define(&column.name, &entries);
                format!("{define}\nlabel values {0} {0}\n", column.name)
            }
        });
    }
    out.push('\n');
    for column in &table.columns {
        out.push_str(&format!(
            "label variable {} {}\n",
            column.name,
            stata_string(&column.description, STATA_LABEL)
        ));
    }
    out
}

fn stata_import(table: &Table) -> String {
    let positions = |numeric: bool| -> Vec<String> {
        (1..=table.columns.len())
            .filter(|i| (table.columns[i - 1].kind != Kind::String) == numeric)
            .map(|i| i.to_string())
            .collect()
    };
    let mut options = vec![
        "clear varnames(1) delimiters(\",\")".to_string(),
        "bindquotes(strict) encoding(\"utf-8\") case(preserve)".to_string(),
    ];
    for (option, columns) in [
        ("stringcols", positions(false)),
        ("numericcols", positions(true)),
    ] {
        if !columns.is_empty() {
            options.push(format!("{option}({})", columns.join(" ")));
        }
    }
    format!(
        "import delimited using \"{}\", {}\n",
        table.file,
        options.join(" ///\n    ")
    )
}

/// Encodes a coded text column into codes 1, 2, … in the order of `values`:
/// a value label of the ids lets `encode` map each id to its code; the
/// labels in `language` replace the ids afterwards.
fn stata_encode(name: &str, values: &[CodedValue], language: &str) -> String {
    let coded = |label: &dyn Fn(&CodedValue) -> String| -> Vec<(String, String)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), label(v)))
            .collect()
    };
    let ids = stata_define(name, &coded(&|v| v.value.clone()));
    let labels = stata_define(name, &coded(&|v| value_label(v, language)));
    format!(
        "{ids}\nencode {name}, generate({STATA_CODE}) label({name})\n\
         order {STATA_CODE}, after({name})\ndrop {name}\nrename {STATA_CODE} {name}\n\
         {labels}, modify\n"
    )
}

/// `label define NAME` with one `code "label"` per line.
fn stata_define(name: &str, entries: &[(String, String)]) -> String {
    let lines: Vec<String> = entries
        .iter()
        .map(|(code, label)| format!("    {code} {}", stata_string(label, STATA_VALUE_LABEL)))
        .collect();
    format!("label define {name} ///\n{}", lines.join(" ///\n"))
}

/// Pairs of characters that Stata reads as syntax even inside a
/// compound-quoted string: comments and continuations (`//`, `///`, `/*`,
/// `*/`), the close and open of a nested compound quote (`"'`, `` `" ``),
/// and a backslash that would escape the escape of a macro character.
const STATA_PAIRS: [(char, char); 7] = [
    ('/', '/'),
    ('/', '*'),
    ('*', '/'),
    ('"', '\''),
    ('`', '"'),
    ('\\', '`'),
    ('\\', '$'),
];

/// A Stata compound-quoted string (`` `"…"' ``) holding `text` on one
/// line, at most `max_chars` characters of it, that no Stata rule can turn
/// into code: a space goes between the two characters of every pair in
/// [`STATA_PAIRS`] (also against the quotes around the string), and every
/// `` ` `` and `$` is escaped with a backslash, so no macro, expression
/// (`` `=…' ``), comment or continuation can start.
fn stata_string(text: &str, max_chars: usize) -> String {
    let mut spaced = String::with_capacity(text.len());
    let mut previous = '"';
    for c in one_line(text).chars() {
        if STATA_PAIRS.contains(&(previous, c)) {
            spaced.push(' ');
        }
        spaced.push(c);
        previous = c;
    }
    let mut text: String = spaced.chars().take(max_chars).collect();
    if text.ends_with(['`', '\\']) {
        text.push(' ');
    }
    let text = text.replace('`', "\\`").replace('$', "\\$");
    format!("`\"{text}\"'")
}

/// The header comment lines of a syntax file: what it reads and where from.
fn header(table: &Table, provenance: &Provenance) -> Vec<String> {
    let mut lines = vec![
        format!("{}: {}", table.file, table.description),
        format!(
            "{} rows, {} columns.",
            table.rows.len(),
            table.columns.len()
        ),
    ];
    lines.extend(provenance.lines());
    lines.into_iter().map(|l| one_line(&l)).collect()
}

/// A value's label in `language`, noting when rubrics word it differently.
fn value_label(value: &CodedValue, language: &str) -> String {
    let label = value.label_in(language);
    if value.by_rubric.is_empty() {
        label
    } else {
        format!("{label} (wording varies by rubric)")
    }
}

/// Control characters (line breaks, tabs) as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn cut_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spss_strings_double_quotes_and_break_long_ones() {
        assert_eq!(spss_string("Ali's \"joke\"", 255), "'Ali''s \"joke\"'");
        assert_eq!(spss_string("a\nb", 255), "'a b'");
        let long = spss_string(&"ø".repeat(100), 255);
        assert_eq!(long.lines().count(), 4, "{long}");
        assert!(long.lines().all(|l| l.len() <= 70));
        assert_eq!(spss_string(&"x".repeat(300), 120).matches('x').count(), 120);
    }

    #[test]
    fn stata_strings_escape_macros_and_compound_quotes() {
        assert_eq!(stata_string("say \"no\"", 80), "`\"say \"no\"\"'");
        assert_eq!(stata_string("cost $5 `x'", 80), "`\"cost \\$5 \\`x'\"'");
        assert_eq!(stata_string("a\"'b", 80), "`\"a\" 'b\"'");
        assert_eq!(stata_string("a `\"b", 80), "`\"a \\` \"b\"'");
        assert_eq!(stata_string("tick`", 80), "`\"tick\\` \"'");
        assert_eq!(stata_string("'quoted'", 80), "`\" 'quoted'\"'");
        assert_eq!(
            stata_string("x // y /* z */", 80),
            "`\"x / / y / * z * /\"'"
        );
        assert_eq!(stata_string("a ////b", 80), "`\"a / / / /b\"'");
        assert_eq!(stata_string(&"é".repeat(90), 80).matches('é').count(), 80);
    }

    /// The labels the issue named, and others built to break out.
    const HOSTILE: &[&str] = &[
        "`=fileread(\"/etc/hostname\")'",
        "$S_OS",
        "${S_OS}",
        "a ////b",
        "a ///\nshell rm -rf /",
        "x \"' + `\"y",
        "\\`=1+1'",
        "\\$S_OS",
        "'",
        "end`",
        "end\\",
        "/* open",
        "close */",
        "`\"`\"nested\"'\"'",
    ];

    #[test]
    fn hostile_labels_read_back_as_text_in_stata() {
        for label in HOSTILE {
            let written = format!("label variable v {}", stata_string(label, 200));
            let read = stata_reader::string_argument(&written)
                .unwrap_or_else(|e| panic!("{label:?} → {written}: {e}"));
            assert_eq!(
                without_spaces(&read),
                without_spaces(&one_line(label)),
                "{written}"
            );
        }
    }

    fn without_spaces(text: &str) -> String {
        text.chars().filter(|c| *c != ' ').collect()
    }

    proptest::proptest! {
        /// Any label, however hostile, reads back in Stata as its own text
        /// (but for the spaces put between pairs), and never as code.
        #[test]
        fn any_label_reads_back_as_text_in_stata(
            label in "[`'\"$/*\\\\ a{=\né(]{0,40}",
            max_chars in 1usize..60,
        ) {
            let written = stata_string(&label, max_chars);
            let read = stata_reader::string_argument(&written);
            proptest::prop_assert!(read.is_ok(), "{:?} → {}: {:?}", label, written, read);
            let read = read.unwrap_or_default();
            proptest::prop_assert!(read.chars().count() <= max_chars + 1);
            proptest::prop_assert!(without_spaces(&one_line(&label)).starts_with(&without_spaces(&read)));
        }
    }

    /// A reader of one line of a Stata do-file, written from Stata's
    /// documented rules ([U] 16.1.2 comments and blank lines, [U] 18.3.5
    /// and [P] macro on macro expansion and `\\` escapes, [U] 18.3.11 and
    /// [P] quotes on compound double quotes), strict wherever the manuals
    /// leave room: anything that could be a comment, continuation, macro or
    /// expression is an error rather than a guess.
    mod stata_reader {
        /// The text of the compound-quoted string that ends `line`.
        pub fn string_argument(line: &str) -> Result<String, String> {
            reject_comments(line)?;
            let expanded = expand_macros(line)?;
            let start = expanded.find("`\"").ok_or("no compound quote")?;
            let (text, rest) = compound_quoted(&expanded[start + 2..])?;
            if rest.is_empty() {
                Ok(text)
            } else {
                Err(format!("text after the closing quote: {rest:?}"))
            }
        }

        /// `//` and `///` after a blank start a comment or a continuation;
        /// `/*` and `*/` open and close a comment anywhere.
        fn reject_comments(line: &str) -> Result<(), String> {
            for marker in [" //", "\t//", "/*", "*/"] {
                if line.contains(marker) {
                    return Err(format!("{marker:?} starts a comment or continuation"));
                }
            }
            Ok(())
        }

        /// Macro substitution: `\\` before `` ` `` or `$` keeps it as text;
        /// an unescaped `` ` `` starts a local macro or an expression, and `$`
        /// before a letter, `_` or `{` a global macro.
        fn expand_macros(line: &str) -> Result<String, String> {
            let mut out = String::new();
            let mut chars = line.chars().peekable();
            let mut opening = true;
            while let Some(c) = chars.next() {
                match (c, chars.peek().copied()) {
                    ('\\', Some(next @ ('`' | '$'))) => {
                        out.push(next);
                        chars.next();
                    }
                    // The compound quote that opens the string is syntax, not a macro.
                    ('`', Some('"')) if opening => {
                        opening = false;
                        out.push(c);
                    }
                    ('`', _) => return Err("a local macro or expression would run".into()),
                    ('$', Some(n)) if n.is_alphabetic() || n == '_' || n == '{' => {
                        return Err("a global macro would be expanded".into());
                    }
                    _ => out.push(c),
                }
            }
            Ok(out)
        }

        /// The text up to the `"'` that closes a compound quote already
        /// opened, nested `` `"…"' `` included, and what follows it.
        fn compound_quoted(after_open: &str) -> Result<(String, &str), String> {
            let mut depth = 1;
            let mut i = 0;
            let bytes = after_open.as_bytes();
            while i < bytes.len() {
                match (bytes[i], bytes.get(i + 1)) {
                    (b'`', Some(b'"')) => {
                        depth += 1;
                        i += 2;
                    }
                    (b'"', Some(b'\'')) => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok((after_open[..i].to_string(), &after_open[i + 2..]));
                        }
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
            Err("the compound quote is not closed".into())
        }
    }
}
