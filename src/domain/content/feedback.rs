//! Content feedback as input to the `preferences` learning: which platforms and lengths the
//! user rates well, the tags they give most and their latest notes, measured and said in words.
use super::platforms;
use super::store::Rated;
use serde_json::{Value, json};

fn bucket(chars: i64) -> &'static str {
    match chars {
        c if c < 600 => "short",
        c if c < 1500 => "medium-length",
        _ => "long",
    }
}

fn avg(scores: &[i64]) -> f64 {
    (scores.iter().sum::<i64>() as f64 / scores.len().max(1) as f64 * 10.0).round() / 10.0
}

/// Groups of scores by key, best average first (ties: more ratings first).
fn grouped(ratings: &[Rated], key: impl Fn(&Rated) -> String) -> Vec<(String, f64, usize)> {
    let mut groups: Vec<(String, Vec<i64>)> = Vec::new();
    for r in ratings {
        let k = key(r);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => g.1.push(r.score),
            None => groups.push((k, vec![r.score])),
        }
    }
    let mut out: Vec<(String, f64, usize)> = groups
        .into_iter()
        .map(|(k, s)| (k, avg(&s), s.len()))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)));
    out
}

/// The measured feedback (`data.content_feedback` of the preferences learning) and its
/// sentence; None without ratings.
pub fn summarise(ratings: &[Rated]) -> Option<(Value, String)> {
    if ratings.is_empty() {
        return None;
    }
    let scores: Vec<i64> = ratings.iter().map(|r| r.score).collect();
    let by_platform = grouped(ratings, |r| r.platform.clone());
    let by_length = grouped(ratings, |r| bucket(r.chars).to_string());
    let mut tags: Vec<(String, usize)> = Vec::new();
    for t in ratings.iter().flat_map(|r| r.tags.iter()) {
        let t = t.to_lowercase();
        match tags.iter_mut().find(|x| x.0 == t) {
            Some(x) => x.1 += 1,
            None => tags.push((t, 1)),
        }
    }
    tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    tags.truncate(5);
    let notes: Vec<&str> = ratings
        .iter()
        .filter_map(|r| r.summary.as_deref())
        .take(3)
        .collect();
    let label = |p: &str| platforms::find(p).map_or(p.to_string(), |r| r.label.to_string());
    let mut text = vec![format!(
        "Content feedback: {} rating{}, {:.1}/5 on average.",
        ratings.len(),
        if ratings.len() == 1 { "" } else { "s" },
        avg(&scores)
    )];
    if let Some((p, s, n)) = by_platform.first() {
        text.push(format!(
            "{} drafts score best ({s:.1}/5 over {n}).",
            label(p)
        ));
    }
    if let (Some(best), Some(worst)) = (by_length.first(), by_length.last())
        && by_length.len() > 1
    {
        text.push(format!(
            "{} drafts score {:.1}/5, {} ones {:.1}/5.",
            capital(&best.0),
            best.1,
            worst.0,
            worst.1
        ));
    }
    if !tags.is_empty() {
        let t: Vec<&str> = tags.iter().map(|t| t.0.as_str()).collect();
        text.push(format!("Most given tags: {}.", t.join(", ")));
    }
    if !notes.is_empty() {
        let n: Vec<String> = notes.iter().map(|n| format!("\"{n}\"")).collect();
        text.push(format!("Latest notes: {}.", n.join("; ")));
    }
    let data = json!({
        "ratings": ratings.len(),
        "avg_score": avg(&scores),
        "by_platform": by_platform.iter().map(|(p, s, n)| json!({"platform": p, "avg_score": s, "ratings": n})).collect::<Vec<_>>(),
        "by_length": by_length.iter().map(|(l, s, n)| json!({"length": l, "avg_score": s, "ratings": n})).collect::<Vec<_>>(),
        "top_tags": tags.iter().map(|t| t.0.clone()).collect::<Vec<_>>(),
        "notes": notes,
    });
    Some((data, text.join(" ")))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(platform: &str, chars: i64, score: i64, tags: &[&str], summary: Option<&str>) -> Rated {
        Rated {
            platform: platform.into(),
            chars,
            score,
            summary: summary.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn the_best_platform_and_length_are_stated() {
        let (data, text) = summarise(&[
            r("linkedin", 400, 5, &["on-brand"], Some("Great hook")),
            r("linkedin", 450, 4, &["On-brand"], None),
            r("blog", 4000, 2, &["too long"], None),
        ])
        .unwrap();
        assert_eq!(data["by_platform"][0]["platform"], "linkedin");
        assert_eq!(data["top_tags"][0], "on-brand");
        assert!(
            text.contains("LinkedIn drafts score best (4.5/5 over 2)"),
            "{text}"
        );
        assert!(
            text.contains("Short drafts score 4.5/5, long ones 2.0/5"),
            "{text}"
        );
        assert!(text.contains("\"Great hook\""), "{text}");
        assert!(summarise(&[]).is_none());
    }
}
