//! The built-in skills, embedded from `assets/skills/` (one Markdown file each: `name:`,
//! `type:`, `description:` header lines, `---`, then the instructions).
use super::types::SkillInput;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/skills/"]
struct Skills;

/// Parse one seed file.
pub fn parse(text: &str) -> Option<(SkillInput, String)> {
    let (head, body) = text.split_once("\n---\n")?;
    let field = |k: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
    };
    let input = SkillInput {
        name: field("name")?,
        description: field("description").unwrap_or_default(),
        instructions: body.trim().to_string(),
        ..Default::default()
    };
    Some((input, field("type").unwrap_or_else(|| "writing".into())))
}

/// Every built-in skill, in file-name order.
pub fn all() -> Vec<(SkillInput, String)> {
    let mut names: Vec<_> = Skills::iter().filter(|n| n.ends_with(".md")).collect();
    names.sort();
    names
        .iter()
        .filter_map(|n| Skills::get(n))
        .filter_map(|f| parse(&String::from_utf8_lossy(&f.data)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn twelve_builtins_with_real_instructions() {
        let all = super::all();
        assert_eq!(all.len(), 12);
        for (s, t) in &all {
            assert!(
                super::super::types::SKILL_TYPES.contains(&t.as_str()),
                "{t}"
            );
            assert!(
                s.instructions.split(". ").count() >= 3,
                "{} is too thin",
                s.name
            );
        }
    }
}
