//! Combining learnings' `data`: numbers are averaged, lists united in order without duplicates,
//! objects merged key by key, and for other values the first input wins.
use serde_json::{Map, Value};

pub fn combine(items: &[&Value]) -> Value {
    let present: Vec<&Value> = items.iter().copied().filter(|v| !v.is_null()).collect();
    let Some(first) = present.first() else {
        return Value::Null;
    };
    if present.iter().all(|v| v.is_number()) {
        let sum: f64 = present.iter().filter_map(|v| v.as_f64()).sum();
        let avg = sum / present.len() as f64;
        return serde_json::Number::from_f64((avg * 100.0).round() / 100.0)
            .map_or(Value::Null, Value::Number);
    }
    if present.iter().all(|v| v.is_array()) {
        let mut out: Vec<Value> = Vec::new();
        for v in present
            .iter()
            .flat_map(|v| v.as_array().into_iter().flatten())
        {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        return Value::Array(out);
    }
    if present.iter().all(|v| v.is_object()) {
        let mut keys: Vec<&String> = Vec::new();
        for v in &present {
            for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let mut out = Map::new();
        for k in keys {
            let vals: Vec<&Value> = present.iter().filter_map(|v| v.get(k)).collect();
            out.insert(k.clone(), combine(&vals));
        }
        return Value::Object(out);
    }
    (*first).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_average_lists_unite() {
        let a = json!({"n": 10, "tags": ["#a", "#b"], "pov": "second"});
        let b = json!({"n": 20, "tags": ["#b", "#c"], "pov": "third"});
        assert_eq!(
            combine(&[&a, &b]),
            json!({"n": 15.0, "tags": ["#a", "#b", "#c"], "pov": "second"})
        );
    }
}
