//! Values for Tera 2, made from the views' JSON without going through serde.
//!
//! Most views are described as `serde_json` values (the `json!` macro reads like the
//! template it feeds, and the fingerprints hash them); Tera 2 has a value type of its
//! own. (An article's item, made for every card, is a struct serialised straight
//! into Tera's values and hashed as it is: `Views::make`.) Converting whole contexts
//! through serde (`Context::from_serialize`) walked every value with a serializer and
//! was half of all instructions of a build; this walk moves each value across
//! instead. Strings become Tera's shared strings, so what is made once
//! (the `site` view, each article's list entry and body) is shared by every page
//! that shows it, not copied.

use serde_json::Value as Json;
use tera::value::Key;
use tera::{Map, Value};

/// `json` as a Tera value: the same tree, maps in the same (sorted) key order.
pub fn from_json(json: Json) -> Value {
    match json {
        Json::Null => Value::none(),
        Json::Bool(b) => Value::from(b),
        Json::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Value::from(u),
            (None, Some(i)) => Value::from(i),
            _ => Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.into_iter().map(from_json).collect::<Vec<_>>()),
        Json::Object(fields) => Value::from(map_of(fields, Vec::new())),
    }
}

/// A JSON object as a Tera map, with `extra` fields (values already made for Tera)
/// added among its own: keys in sorted order, as a JSON object keeps them.
pub fn map_with(json: Json, extra: Vec<(&'static str, Value)>) -> Value {
    match json {
        Json::Object(fields) => Value::from(map_of(fields, extra)),
        other => from_json(other),
    }
}

fn map_of(fields: serde_json::Map<String, Json>, extra: Vec<(&'static str, Value)>) -> Map {
    let mut map = Map::with_capacity(fields.len() + extra.len());
    for (key, value) in fields {
        map.insert(Key::from(key), from_json(value));
    }
    if !extra.is_empty() {
        for (key, value) in extra {
            map.insert(Key::from(key), value);
        }
        map.sort_keys();
    }
    map
}

/// `value` with every map's keys sorted, at every depth: what a JSON object gives
/// ([`from_json`]). The tests check with it that structs made into Tera values
/// declare their fields in key order.
#[cfg(test)]
pub fn sorted(value: Value) -> Value {
    if value.is_map() {
        let mut map = value.into_map().unwrap_or_default();
        for v in map.values_mut() {
            *v = sorted(std::mem::replace(v, Value::none()));
        }
        map.sort_keys();
        Value::from(map)
    } else if let Some(items) = value.as_array() {
        Value::from(items.iter().cloned().map(sorted).collect::<Vec<_>>())
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_struct_sorted_is_what_its_json_gives() {
        #[derive(serde::Serialize)]
        struct Inner {
            z: u8,
            a: Option<&'static str>,
        }
        #[derive(serde::Serialize)]
        struct Outer {
            name: &'static str,
            inner: Inner,
            list: Vec<Inner>,
        }
        let value = Outer {
            name: "n",
            inner: Inner { z: 1, a: None },
            list: vec![Inner { z: 2, a: Some("x") }],
        };
        let json = from_json(serde_json::to_value(&value).unwrap());
        let serialised = sorted(Value::from_serializable(&value));
        assert_eq!(serialised.to_string(), json.to_string());
        assert_eq!(
            serialised.to_string(),
            r#"{"inner": {"a": , "z": 1}, "list": [{"a": "x", "z": 2}], "name": "n"}"#
        );
    }

    #[test]
    fn the_walk_gives_what_serde_gives() {
        let json = serde_json::json!({
            "b": [1, -2, 2.5, null, true, "x"], "a": {"z": "é", "y": {}}, "c": ""
        });
        let walked = from_json(json.clone());
        let serialised = Value::from_serializable(&json);
        assert_eq!(walked, serialised);
        // And so prints the same: keys sorted.
        assert_eq!(walked.to_string(), serialised.to_string());
    }

    #[test]
    fn extra_fields_join_in_sorted_order() {
        let v = map_with(
            serde_json::json!({"a": 1, "c": 3}),
            vec![("b", Value::from(2))],
        );
        assert_eq!(v.to_string(), r#"{"a": 1, "b": 2, "c": 3}"#);
    }
}
