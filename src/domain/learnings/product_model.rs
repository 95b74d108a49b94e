//! Model-backed product knowledge: the model reads the sources (each under its id) and answers
//! features, audience, value propositions and proof points as JSON. Nothing it says is taken on
//! trust: every item must name a source that was read, and a proof point survives only when its
//! quoted text occurs in that source (no invented claims).
use super::model::{Field, Schema};
use super::types::SourceText;
use serde_json::{Value, json};
use std::collections::HashMap;

const QUOTED: &[&str] = &["text", "source_id"];

pub const SCHEMA: Schema = &[
    ("features", Field::ObjList(QUOTED)),
    ("audience", Field::Str),
    ("value_props", Field::ObjList(QUOTED)),
    ("proof_points", Field::ObjList(QUOTED)),
];

pub const SYSTEM: &str = "You read a company's own material and write down what a copywriter \
must know about its product: its features, who it is for, the value it promises, and its proof \
points. Proof points are numbers and claims QUOTED WORD FOR WORD from one source; never invent or \
round a figure. Every item names the id of the source it comes from.";

/// Characters of source text shown to the model.
const PROMPT_CHARS: usize = 24_000;
/// Characters of one source shown to the model.
const SOURCE_CHARS: usize = 6_000;

/// The prompt: each source under its id, then the extractive candidates as hints.
pub fn prompt(sources: &[SourceText], extracted: &Value) -> String {
    let mut out = String::from("Sources:\n");
    for s in sources {
        if out.len() > PROMPT_CHARS {
            break;
        }
        let text: String = s.content.chars().take(SOURCE_CHARS).collect();
        out.push_str(&format!(
            "\n=== source_id: {} ({}) ===\n{text}\n",
            s.id, s.title
        ));
    }
    out.push_str(&format!(
        "\nStatements already found by a simple extractor (use, correct or extend them):\n{extracted}"
    ));
    out
}

/// Lower-cased, with runs of whitespace and typographic quotes/dashes normalised, so a quote
/// that differs only in spacing or curly quotes still counts as found.
fn normalise(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The model's answer checked against the sources: items naming an unknown source are dropped,
/// and proof points whose text is not in their source. Returns the data and how many proof
/// points were dropped.
pub fn verify(answer: &Value, sources: &[SourceText]) -> (Value, usize) {
    let texts: HashMap<&str, String> = sources
        .iter()
        .map(|s| (s.id.as_str(), normalise(&s.content)))
        .collect();
    let items = |key: &str| -> Vec<(String, String)> {
        answer[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| {
                let text = o["text"].as_str()?.trim().to_string();
                let id = o["source_id"].as_str()?.trim().to_string();
                texts.contains_key(id.as_str()).then_some((text, id))
            })
            .collect()
    };
    let quote = |(text, id): &(String, String)| json!({"text": text, "source_id": id});
    let claimed = answer["proof_points"].as_array().map_or(0, Vec::len);
    let proofs: Vec<Value> = items("proof_points")
        .iter()
        .filter(|(text, id)| {
            let t = normalise(text.trim_matches(['"', '\u{201C}', '\u{201D}']));
            !t.is_empty() && texts.get(id.as_str()).is_some_and(|s| s.contains(&t))
        })
        .map(quote)
        .collect();
    let dropped = claimed - proofs.len();
    let data = json!({
        "features": items("features").iter().map(quote).collect::<Vec<_>>(),
        "audience": answer["audience"].as_str().unwrap_or_default().trim(),
        "value_props": items("value_props").iter().map(quote).collect::<Vec<_>>(),
        "proof_points": proofs,
    });
    (data, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_points_must_be_quoted_from_the_source_they_name() {
        let src = |id: &str, content: &str| SourceText {
            id: id.into(),
            title: "t".into(),
            url: None,
            platform: None,
            content: content.into(),
        };
        let sources = [
            src("a", "Teams save 6 hours\n a week with Acme."),
            src("b", "Acme is loved."),
        ];
        let answer = json!({
            "features": [{"text": "Scheduling", "source_id": "a"}, {"text": "Ghost", "source_id": "zzz"}],
            "audience": "agencies",
            "value_props": [],
            "proof_points": [
                {"text": "teams save 6 hours a week", "source_id": "a"},
                {"text": "Teams save 6 hours a week", "source_id": "b"},
                {"text": "Used by 10,000 companies", "source_id": "a"}
            ]
        });
        let (d, dropped) = verify(&answer, &sources);
        assert_eq!(dropped, 2);
        assert_eq!(d["proof_points"].as_array().unwrap().len(), 1);
        assert_eq!(d["proof_points"][0]["source_id"], "a");
        assert_eq!(d["features"].as_array().unwrap().len(), 1);
    }
}
