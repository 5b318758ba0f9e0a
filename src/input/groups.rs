//! The groups of a session as CSV (`group,roles`), e.g.
//! `G1,"principal:1,teacher:3"`: each group's label and role composition.

use std::collections::BTreeMap;

use super::{Problem, csv_rows};

/// One group of the list: its label and how many of each role it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub label: String,
    pub roles: BTreeMap<String, u32>,
}

/// Reads a groups CSV; every problem is reported, with its line.
pub fn parse_groups_csv(name: &str, bytes: &[u8]) -> Result<Vec<Group>, Vec<Problem>> {
    let (records, mut problems) = csv_rows::read(name, bytes, &["group", "roles"], csv::Trim::All)?;
    let mut groups = Vec::new();
    let mut seen = BTreeMap::new();
    for (line, record) in records {
        let label = record.get(0).unwrap_or_default().to_string();
        if label.is_empty() {
            problems.push(Problem::on_line(
                name,
                line,
                "empty `group`; expected a label",
            ));
            continue;
        }
        if let Some(first) = seen.insert(label.clone(), line) {
            problems.push(Problem::on_line(
                name,
                line,
                format!("group `{label}` is listed already on line {first}"),
            ));
        }
        match parse_roles(record.get(1).unwrap_or_default()) {
            Ok(roles) => groups.push(Group { label, roles }),
            Err(message) => problems.push(Problem::on_line(name, line, message)),
        }
    }
    if groups.is_empty() && problems.is_empty() {
        problems.push(Problem::in_file(name, "no groups after the header"));
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(problems)
    }
}

/// Parses a role composition such as `principal:1,teacher:3`.
pub fn parse_roles(text: &str) -> Result<BTreeMap<String, u32>, String> {
    let mut roles = BTreeMap::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (role, count) = part.split_once(':').unwrap_or((part, "1"));
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| format!("`{part}`: expected ROLE:COUNT with a count of 1 or more"))?;
        if roles.insert(role.trim().to_string(), count).is_some() {
            return Err(format!("role `{}` is given twice", role.trim()));
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse() {
        let roles = parse_roles("principal:1, teacher:3").unwrap();
        assert_eq!(
            roles,
            BTreeMap::from([("principal".into(), 1), ("teacher".into(), 3)])
        );
        assert_eq!(parse_roles("teacher").unwrap()["teacher"], 1);
        assert!(parse_roles("teacher:0").is_err());
        assert!(parse_roles("teacher:2,teacher:1").is_err());
    }

    #[test]
    fn every_bad_group_is_named_by_its_line() {
        let csv = "group,roles\nG1,teacher:0\nG2,teacher:2\nG2,principal:1\n";
        let problems = parse_groups_csv("g.csv", csv.as_bytes()).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "g.csv:2: `teacher:0`: expected ROLE:COUNT with a count of 1 or more",
                "g.csv:4: group `G2` is listed already on line 3",
            ]
        );
    }
}
