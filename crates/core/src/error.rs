//! Validation errors: every problem with a request, by field, in the service model's wording.
//!
//! CodeArtifact reports invalid input as a `ValidationException` whose message lists every
//! violated constraint ("2 validation errors detected: Value 'X' at 'domain' failed to satisfy
//! constraint: ..."). Wharf collects all violations at once so that a form can show each one on
//! its field and the server can send them together.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One violated constraint on one request member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The request member, by its model name (`domain`, `sourceRepository`, `versions`, ...).
    pub field: String,
    /// The full sentence for this violation, in the model's style.
    pub message: String,
}

impl FieldError {
    /// A violation of a modelled constraint on a value: "Value 'X' at 'field' failed to satisfy
    /// constraint: Member must ...".
    pub fn constraint(field: &str, value: &str, constraint: &str) -> Self {
        FieldError {
            field: field.to_owned(),
            message: format!(
                "Value '{value}' at '{field}' failed to satisfy constraint: Member must {constraint}"
            ),
        }
    }

    /// A rule that concerns the request as a whole or several members at once.
    pub fn rule(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A required member that is missing.
    pub fn missing(field: &str) -> Self {
        FieldError::constraint(field, "null", "not be null")
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// Why a request was refused before anything was looked up: the body of a
/// `ValidationException`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationErrors {
    /// Every violation found, in the order the members were checked.
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// A set of errors holding just one.
    pub fn single(error: FieldError) -> Self {
        ValidationErrors {
            errors: vec![error],
        }
    }

    /// The errors that concern one field, for showing them beside it in a form.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        let noun = if n == 1 { "error" } else { "errors" };
        write!(f, "{n} validation {noun} detected: ")?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(&e.message)?;
        }
        Ok(())
    }
}

/// Collects violations while a request is checked member by member.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    /// Keeps the value when it is valid and records the violation otherwise.
    pub(crate) fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Records a violation.
    pub(crate) fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Ends the check: `Err` with every recorded violation, if there were any.
    pub(crate) fn check(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                errors: self.errors,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_error_reads_like_the_model() {
        let e = ValidationErrors::single(FieldError::constraint(
            "domain",
            "MY_DOMAIN",
            "satisfy regular expression pattern: [a-z][a-z0-9\\-]{0,48}[a-z0-9]",
        ));
        assert_eq!(
            e.to_string(),
            "1 validation error detected: Value 'MY_DOMAIN' at 'domain' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9\\-]{0,48}[a-z0-9]"
        );
    }

    #[test]
    fn several_errors_are_counted_and_joined() {
        let e = ValidationErrors {
            errors: vec![
                FieldError::missing("domain"),
                FieldError::missing("package"),
            ],
        };
        let s = e.to_string();
        assert!(s.starts_with("2 validation errors detected: "), "{s}");
        assert!(
            s.contains("at 'domain'") && s.contains("; Value 'null' at 'package'"),
            "{s}"
        );
        assert_eq!(e.for_field("package").count(), 1);
    }
}
