//! The core's one error type. Every bad input becomes one of these, never a panic; the facade turns
//! it into a JS exception and the headless runner into a message and a non-zero exit.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum SimError {
    UnknownScenario(String),
    BadParam(String),
    BadNode(String),
    BadValue(String),
    BadAction(String),
    /// The action is well-formed but not possible now (recover a node that is up).
    NotNow(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::UnknownScenario(m)
            | SimError::BadParam(m)
            | SimError::BadNode(m)
            | SimError::BadValue(m)
            | SimError::BadAction(m)
            | SimError::NotNow(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SimError {}
