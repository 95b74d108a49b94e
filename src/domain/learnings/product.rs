//! Extractive product knowledge: features, audience, value propositions and proof points,
//! quoted from the sources (each with its source id). Nothing is invented offline.
use super::text;
use super::types::SourceText;
use serde_json::{Value, json};

const FEATURE: &[&str] = &[
    "lets you",
    "allows",
    "you can",
    "supports",
    "includes",
    "integrat",
    "automat",
    "feature",
    "built-in",
    "comes with",
    "offers",
];
const VALUE: &[&str] = &[
    "save",
    "faster",
    "fewer",
    "reduce",
    "increase",
    "grow",
    "without",
    "easier",
    "simple",
    "less time",
    "more time",
    "boost",
    "cut ",
];
const AUDIENCE: &[&str] = &[
    "built for",
    "designed for",
    "made for",
    "ideal for",
    "perfect for",
    "for teams",
    "for founders",
    "for marketers",
    "for agencies",
    "for small",
    "for developers",
    "for creators",
];

/// Candidate statements of a source: sentences and list items, trimmed.
fn statements(content: &str) -> Vec<String> {
    content
        .lines()
        .flat_map(|l| {
            let l = l
                .trim()
                .trim_start_matches(['-', '*', '•', '✅', '→'])
                .trim();
            l.split_inclusive(['.', '!', '?'])
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| {
            let n = text::words(s).len();
            (4..=60).contains(&n)
        })
        .collect()
}

fn has_number(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && (s.contains('%')
            || s.contains('$')
            || s.contains('€')
            || s.contains('×')
            || text::words(s).iter().any(|w| {
                [
                    "customers",
                    "users",
                    "teams",
                    "companies",
                    "hours",
                    "minutes",
                    "days",
                    "times",
                    "x",
                    "k",
                    "million",
                    "percent",
                ]
                .contains(&w.as_str())
            })
            || s.split_whitespace().any(|w| {
                w.trim_end_matches(['.', ',']).ends_with(['x', 'k', 'm'])
                    && w.starts_with(|c: char| c.is_ascii_digit())
            }))
}

fn matches_any(s: &str, cues: &[&str]) -> bool {
    let l = s.to_lowercase();
    cues.iter().any(|c| l.contains(c))
}

/// The phrase after "for" in an audience statement ("built for busy agencies" → "busy agencies").
fn audience_phrase(s: &str) -> String {
    let l = s.to_lowercase();
    let Some(i) = AUDIENCE.iter().filter_map(|c| l.find(c)).min() else {
        return String::new();
    };
    let Some(j) = l[i..].find("for ").map(|j| i + j + 4) else {
        return String::new();
    };
    let rest = s.get(j..).unwrap_or("");
    let cut = rest.find(['.', ',', ';', '!', '?']).unwrap_or(rest.len());
    rest[..cut].trim().to_string()
}

pub fn extract(sources: &[SourceText]) -> Value {
    let (mut features, mut values, mut proofs, mut audience) = (vec![], vec![], vec![], vec![]);
    let mut seen = std::collections::HashSet::new();
    for s in sources {
        for st in statements(&s.content) {
            if !seen.insert(st.to_lowercase()) {
                continue;
            }
            let quote = |t: &str| json!({"text": t, "source_id": s.id});
            if has_number(&st) {
                proofs.push(quote(&st));
            } else if matches_any(&st, FEATURE) {
                features.push(quote(&st));
            } else if matches_any(&st, VALUE) {
                values.push(quote(&st));
            }
            if matches_any(&st, AUDIENCE) {
                audience.push(audience_phrase(&st));
                audience.retain(|a| !a.is_empty());
            }
        }
    }
    features.truncate(10);
    values.truncate(8);
    proofs.truncate(10);
    let audience = text::top(&audience, 3, 1)
        .into_iter()
        .map(|(a, _)| a)
        .collect::<Vec<_>>();
    json!({
        "features": features,
        "audience": audience.join("; "),
        "value_props": values,
        "proof_points": proofs,
    })
}

pub fn describe(d: &Value) -> String {
    let n = |k: &str| d[k].as_array().map_or(0, Vec::len);
    let first = |k: &str| d[k][0]["text"].as_str().unwrap_or("").to_string();
    let mut out = vec![format!(
        "Found {} features, {} value propositions and {} proof points in the sources.",
        n("features"),
        n("value_props"),
        n("proof_points")
    )];
    if let Some(a) = d["audience"].as_str().filter(|a| !a.is_empty()) {
        out.push(format!("Audience: {a}."));
    }
    if n("proof_points") > 0 {
        out.push(format!("Strongest proof: \"{}\"", first("proof_points")));
    }
    if n("features") > 0 {
        out.push(format!("Key feature: \"{}\"", first("features")));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_proof_points_with_their_source() {
        let s = SourceText {
            id: "s1".into(),
            title: "t".into(),
            url: None,
            platform: None,
            content: "Acme lets you schedule posts across channels.\nTeams save 6 hours a week with Acme.\nBuilt for busy agencies, it keeps clients happy.".into(),
        };
        let d = extract(&[s]);
        assert_eq!(d["proof_points"][0]["source_id"], "s1");
        assert!(
            d["proof_points"][0]["text"]
                .as_str()
                .unwrap()
                .contains("6 hours")
        );
        assert!(
            d["features"][0]["text"]
                .as_str()
                .unwrap()
                .contains("schedule posts")
        );
        assert_eq!(d["audience"], "busy agencies");
    }
}
