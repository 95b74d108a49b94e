//! The built-in personas, embedded from `assets/personas/` (one JSON file each).
use super::types::PersonaInput;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/personas/"]
struct Personas;

/// Every built-in persona, in file-name order.
pub fn all() -> Vec<PersonaInput> {
    let mut names: Vec<_> = Personas::iter().filter(|n| n.ends_with(".json")).collect();
    names.sort();
    names
        .iter()
        .filter_map(|n| Personas::get(n))
        .filter_map(|f| serde_json::from_slice(&f.data).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn five_builtins_parse() {
        let all = super::all();
        assert_eq!(all.len(), 5);
        assert!(
            all.iter()
                .all(|p| !p.interests.is_empty() && !p.goals.is_empty())
        );
    }
}
