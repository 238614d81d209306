//! A scenario's parameters: each declared once with its default and bounds, then checked wherever a
//! value comes in (the page, the headless runner, a share link). Choice parameters hold the index
//! of the chosen name.

use crate::sim::SimError;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// For a choice: the index of the default choice.
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub integer: bool,
    pub choices: Option<&'static [&'static str]>,
}

impl ParamSpec {
    pub const fn number(
        name: &'static str,
        label: &'static str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Self {
        ParamSpec {
            name,
            label,
            help: "",
            default,
            min,
            max,
            integer: false,
            choices: None,
        }
    }

    pub const fn integer(
        name: &'static str,
        label: &'static str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Self {
        ParamSpec {
            name,
            label,
            help: "",
            default,
            min,
            max,
            integer: true,
            choices: None,
        }
    }

    pub const fn choice(
        name: &'static str,
        label: &'static str,
        choices: &'static [&'static str],
        default: usize,
    ) -> Self {
        ParamSpec {
            name,
            label,
            help: "",
            default: default as f64,
            min: 0.0,
            max: (choices.len() - 1) as f64,
            integer: true,
            choices: Some(choices),
        }
    }

    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    fn check(&self, input: &ParamInput) -> Result<f64, SimError> {
        let bad = |m: String| {
            Err(SimError::BadParam(format!(
                "parameter '{}': {m}",
                self.name
            )))
        };
        if let Some(choices) = self.choices {
            let name = match input {
                ParamInput::Text(s) => s.as_str(),
                ParamInput::Number(v) => {
                    return bad(format!("expected one of {choices:?}, got {v}"))
                }
            };
            return match choices.iter().position(|c| *c == name) {
                Some(i) => Ok(i as f64),
                None => bad(format!("expected one of {choices:?}, got '{name}'")),
            };
        }
        let v = match input {
            ParamInput::Number(v) => *v,
            ParamInput::Text(s) => match s.trim().parse::<f64>() {
                Ok(v) => v,
                Err(_) => return bad(format!("'{s}' is not a number")),
            },
        };
        if !v.is_finite() {
            return bad(format!("{v} is not a finite number"));
        }
        if self.integer && v.fract() != 0.0 {
            return bad(format!("must be a whole number, got {v}"));
        }
        if v < self.min || v > self.max {
            return bad(format!(
                "must be between {} and {}, got {v}",
                self.min, self.max
            ));
        }
        Ok(v)
    }
}

impl Serialize for ParamSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ParamSpec", 8)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("label", self.label)?;
        st.serialize_field("help", self.help)?;
        match self.choices {
            Some(c) => st.serialize_field("default", c[self.default as usize])?,
            None => st.serialize_field("default", &self.default)?,
        }
        st.serialize_field("min", &self.min)?;
        st.serialize_field("max", &self.max)?;
        st.serialize_field("integer", &self.integer)?;
        st.serialize_field("choices", &self.choices)?;
        st.end()
    }
}

/// A value as given from outside: a number, or text (a choice's name, or a number written out).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamInput {
    Number(f64),
    Text(String),
}

/// Checked values for every parameter of a scenario (defaults filled in).
#[derive(Clone, Debug)]
pub struct Params {
    specs: &'static [ParamSpec],
    values: BTreeMap<&'static str, f64>,
}

impl Params {
    pub fn new(
        specs: &'static [ParamSpec],
        inputs: &[(String, ParamInput)],
    ) -> Result<Params, SimError> {
        let mut values: BTreeMap<_, _> = specs.iter().map(|p| (p.name, p.default)).collect();
        for (name, input) in inputs {
            let spec = specs.iter().find(|p| p.name == name).ok_or_else(|| {
                let known: Vec<_> = specs.iter().map(|p| p.name).collect();
                SimError::BadParam(format!(
                    "unknown parameter '{name}' (this scenario has {known:?})"
                ))
            })?;
            values.insert(spec.name, spec.check(input)?);
        }
        Ok(Params { specs, values })
    }

    pub fn specs(&self) -> &'static [ParamSpec] {
        self.specs
    }

    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The value of a declared parameter. Scenarios only ask for names they declare.
    pub fn get(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or_else(|| {
            debug_assert!(false, "undeclared parameter {name}");
            0.0
        })
    }

    pub fn choice(&self, name: &str) -> &'static str {
        let spec = self.specs.iter().find(|p| p.name == name);
        spec.and_then(|s| s.choices)
            .and_then(|c| c.get(self.get(name) as usize))
            .copied()
            .unwrap_or("")
    }

    /// (name, value as written) for every parameter, in declaration order.
    pub fn entries(&self) -> Vec<(&'static str, ParamInput)> {
        self.specs
            .iter()
            .map(|s| {
                let v = self.get(s.name);
                let input = match s.choices {
                    Some(c) => ParamInput::Text(c[v as usize].to_string()),
                    None => ParamInput::Number(v),
                };
                (s.name, input)
            })
            .collect()
    }
}

impl Serialize for ParamInput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamInput::Number(v) => s.serialize_f64(*v),
            ParamInput::Text(t) => s.serialize_str(t),
        }
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let entries = self.entries();
        let mut m = s.serialize_map(Some(entries.len()))?;
        for (k, v) in &entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec::integer("nodes", "Nodes", 5.0, 1.0, 10.0),
        ParamSpec::choice("mode", "Mode", &["a", "b"], 1),
    ];

    fn input(name: &str, v: ParamInput) -> Vec<(String, ParamInput)> {
        vec![(name.to_string(), v)]
    }

    #[test]
    fn defaults_and_checked_values() {
        let p = Params::new(SPECS, &[]).unwrap();
        assert_eq!(p.get("nodes"), 5.0);
        assert_eq!(p.choice("mode"), "b");
        let p = Params::new(SPECS, &input("mode", ParamInput::Text("a".into()))).unwrap();
        assert_eq!(p.choice("mode"), "a");
        let p = Params::new(SPECS, &input("nodes", ParamInput::Text("7".into()))).unwrap();
        assert_eq!(p.get("nodes"), 7.0);
    }

    #[test]
    fn bad_values_are_errors() {
        for (name, v) in [
            ("nodes", ParamInput::Number(11.0)),
            ("nodes", ParamInput::Number(2.5)),
            ("nodes", ParamInput::Number(f64::NAN)),
            ("nodes", ParamInput::Text("many".into())),
            ("mode", ParamInput::Text("c".into())),
            ("colour", ParamInput::Number(1.0)),
        ] {
            assert!(Params::new(SPECS, &input(name, v)).is_err());
        }
    }
}
