//! Unit tests of `platforms`.
use super::*;

#[test]
fn unknown_platforms_list_the_known_ones() {
    assert!(find("LinkedIn").is_some());
    assert_eq!(find("twitter").unwrap().name, "x");
    assert!(find("myspace").is_none());
    let msg = unknown("myspace");
    assert!(msg.contains("linkedin") && msg.contains("tiktok"), "{msg}");
}

#[test]
fn long_x_text_becomes_a_numbered_thread_within_limits() {
    let long = "Shipping one binary changed how we deploy. ".repeat(20);
    let saved = normalize("x", &long);
    let posts = x_posts(&saved);
    assert!(posts.len() >= 3, "{saved}");
    for (i, p) in posts.iter().enumerate() {
        assert!(p.starts_with(&format!("{}/{} ", i + 1, posts.len())), "{p}");
        assert!(p.chars().count() <= 280, "{p}");
    }
    assert!(check("x", &saved).is_empty(), "{:?}", check("x", &saved));
    let numbers = normalize("x", &"Returns fell to 1.8% in May. ".repeat(20));
    assert!(
        numbers.contains("1.8%") && !numbers.contains("1. 8%"),
        "{numbers}"
    );
    // A single long word still fits.
    let word = "a".repeat(700);
    assert!(check("x", &normalize("x", &word)).is_empty());
}

#[test]
fn limits_are_reported() {
    assert_eq!(check("linkedin", "Short hook\n\nBody").len(), 0);
    let w = check("linkedin", &"x".repeat(3100));
    assert!(w.iter().any(|m| m.contains("3,000")), "{w:?}");
    let tags: String = (0..31).map(|i| format!("#t{i} ")).collect();
    let w = check("instagram", &format!("Caption\n{tags}"));
    assert!(w.iter().any(|m| m.contains("31 hashtags")), "{w:?}");
    assert!(check("threads", &"y".repeat(501))[0].contains("500"));
    assert!(check("email", "Hello")[0].contains("Subject"));
    let subject = format!("Subject: {}\n\nBody", "s".repeat(81));
    assert!(check("newsletter", &subject)[0].contains("81"));
    assert!(check("blog", "# Title\nMeta description: short\n\n## Part\nText").is_empty());
    assert_eq!(check("blog", "No title").len(), 2);
    assert!(check("youtube", "Title: Demo\n\nDescription:\nHi").is_empty());
    assert!(check("tiktok", "[0:00-0:03] Hook\n[0:03-0:10] Point").is_empty());
    assert!(!check("tiktok", "just words").is_empty());
    assert!(check("x", "").contains(&"the draft is empty".to_string()));
}
