//! Unit tests of `compose`.
use super::super::platforms;
use super::*;

fn m(title: &str, text: &str) -> Material {
    Material {
        title: title.into(),
        text: text.into(),
    }
}

fn input<'a>(
    platform: &str,
    brief: &'a str,
    passages: &'a [Material],
    style: &'a Style,
) -> Input<'a> {
    Input {
        platform: platforms::find(platform).unwrap(),
        brief,
        title: None,
        passages,
        style,
        sections: &[],
        instructions: None,
    }
}

const NOTES: &str = "Our backup service restored 4,812 customer databases last quarter. The median restore took 11 minutes. Customers in Lyon asked for hourly snapshots, so we shipped them in May.";

/// Distinct facts on one subject (repeated sentences would be deduplicated).
fn report(n: usize) -> String {
    (0..n)
        .map(|k| {
            format!(
                "Backup restores in region {k} took {} minutes on average in week {k}.",
                10 + k
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_linkedin_draft_quotes_the_relevant_sources_within_the_limits() {
    let p = [
        m("Q3 report", NOTES),
        m("Unrelated", "Bread needs a long proof and a hot oven."),
    ];
    let style = Style {
        avg_sentence_words: Some(10.0),
        point_of_view: Some("first_plural".into()),
        hashtags: vec!["#backups".into()],
    };
    let d = compose(&input(
        "linkedin",
        "Write a LinkedIn post about our backup restores",
        &p,
        &style,
    ));
    assert!(d.grounded);
    let d = d.text;
    assert!(d.contains("4,812"), "{d}");
    assert!(
        !d.contains("Bread"),
        "an unrelated passage is left out: {d}"
    );
    assert!(d.contains("we found"), "{d}");
    assert!(d.contains("#backups"), "{d}");
    assert!(
        platforms::check("linkedin", &d).is_empty(),
        "{:?}\n{d}",
        platforms::check("linkedin", &d)
    );
}

#[test]
fn every_platform_gets_its_shape() {
    let p = [
        m("Q3 report", &format!("{NOTES} {}", report(12))),
        m(
            "Ops",
            "Hourly snapshots cost 1.8% more storage. Restores in Lyon run from a second site.",
        ),
    ];
    let style = Style::default();
    for name in platforms::names() {
        let d = compose(&input(
            name,
            "Write about backup restores and snapshots",
            &p,
            &style,
        ))
        .text;
        let w = platforms::check(name, &d);
        assert!(w.is_empty(), "{name}: {w:?}\n{d}");
    }
    let x = compose(&input("x", "backup restores and snapshots", &p, &style)).text;
    assert!(
        platforms::x_posts(&x).len() > 1 && x.contains("4,812") && !x.contains("1. 8%"),
        "{x}"
    );
    let blog = compose(&input("blog", "backup restores", &p, &style)).text;
    assert!(
        blog.contains("## Q3 report"),
        "a source's title heads its part: {blog}"
    );
}

#[test]
fn template_sections_become_the_parts() {
    let p = [m("Q3 report", NOTES)];
    let style = Style::default();
    let sections = vec![
        TemplateSection {
            name: "Challenge".into(),
            guidance: "the problem".into(),
        },
        TemplateSection {
            name: "Results".into(),
            guidance: "measured restores and minutes".into(),
        },
    ];
    let mut i = input("blog", "Case study of backup restores", &p, &style);
    i.sections = &sections;
    let d = compose(&i).text;
    assert!(
        d.contains("## Challenge") && d.contains("## Results"),
        "{d}"
    );
    assert!(platforms::check("blog", &d).is_empty());
}

#[test]
fn without_material_the_brief_is_restated_and_shorter_cuts() {
    let style = Style::default();
    let d = compose(&input(
        "threads",
        "Announce our meetup in Berlin on Friday.",
        &[m(
            "Bread",
            "Sourdough needs a lively starter and a long proof.",
        )],
        &style,
    ));
    assert!(
        !d.grounded && d.text.contains("Berlin") && !d.text.contains("Sourdough"),
        "{}",
        d.text
    );
    let p = [m("Q3 report", &report(40))];
    let long = compose(&input("newsletter", "backup restores", &p, &style)).text;
    let mut i = input("newsletter", "backup restores", &p, &style);
    i.instructions = Some("make it shorter");
    assert!(compose(&i).text.len() < long.len());
    assert_eq!(
        topic("Write a LinkedIn post about our Q3 launch."),
        "our Q3 launch"
    );
    assert_eq!(fit("one two three four", 10), "one two…");
    // A brief that is a question or starts with a function word sits inside a sentence.
    assert_eq!(
        topic("What the Lyon warehouse achieved in October"),
        "what the Lyon warehouse achieved in October"
    );
    assert_eq!(
        topic("The Lyon warehouse in October"),
        "the Lyon warehouse in October"
    );
    assert_eq!(topic("Lyon in October"), "Lyon in October");
}

#[test]
fn a_question_brief_reads_as_a_clause_in_the_linkedin_hook() {
    let style = Style::default();
    let p = [m(
        "Q3 warehouse report",
        "The Lyon warehouse shipped 73,914 parcels in October, up 18% on September.",
    )];
    let text = compose(&input(
        "linkedin",
        "What the Lyon warehouse achieved in October",
        &p,
        &style,
    ))
    .text;
    assert!(
        text.contains("Here is what the Lyon warehouse achieved in October."),
        "{text}"
    );
    assert!(text.contains("What would you add?"), "{text}");
    assert!(!text.contains("about What"), "{text}");
}
