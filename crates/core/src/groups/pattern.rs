//! Package group patterns: parsing, validation, matching and containment.

use crate::error::FieldError;
use crate::names::{NamespaceRule, PackageFormat, escape_other_category, is_other_category};
use std::fmt;

/// How strongly a package matches a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Only after folding case, separator runs (`-`, `.`, `_`) and look-alikes on both sides.
    Weak,
    /// Literally.
    Strong,
}

/// What a pattern covers, by form (see the module documentation of [`crate::groups`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `/*`: every package.
    Root,
    /// `/{format}/*`.
    Format(PackageFormat),
    /// `/{format}/{prefix}~` (`boundary`) or `/{format}/{prefix}*` (prefix ends in punctuation).
    NamespacePrefix {
        /// The format.
        format: PackageFormat,
        /// The namespace prefix.
        prefix: String,
        /// Whether the match must end at a word boundary (`~`).
        boundary: bool,
    },
    /// `/{format}/{namespace}/*` (an empty namespace = packages without one).
    Namespace {
        /// The format.
        format: PackageFormat,
        /// The namespace, `""` for none.
        namespace: String,
    },
    /// `/{format}/{namespace}/{prefix}~` or `.../{prefix}*` after punctuation.
    NamePrefix {
        /// The format.
        format: PackageFormat,
        /// The namespace, `""` for none.
        namespace: String,
        /// The name prefix.
        prefix: String,
        /// Whether the match must end at a word boundary (`~`).
        boundary: bool,
    },
    /// `/{format}/{namespace}/{name}$`: exactly one package.
    Exact {
        /// The format.
        format: PackageFormat,
        /// The namespace, `""` for none.
        namespace: String,
        /// The name.
        name: String,
    },
}

/// A valid package group pattern, e.g. `/npm/acme/*`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PackageGroupPattern {
    text: String,
    scope: Scope,
}

/// The root pattern, `/*`.
pub const ROOT_PATTERN: &str = "/*";

const FORMS: &str = "/*, /{format}/*, /{format}/{namespace-prefix}~, /{format}/{namespace}/*, \
/{format}/{namespace}/{name-prefix}~ or /{format}/{namespace}/{name}$";

/// `\p{L}`, `\p{N}` or `\p{M}`: the characters a word is made of.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    crate::names::in_ranges(crate::names::WORD_CATEGORY, c)
}

/// Whether `value` begins with `prefix`, and, with `boundary`, the next character (if any) is
/// not a word character (`foo~` matches `foo` and `foo-bar`, not `food`).
pub fn prefix_matches(value: &str, prefix: &str, boundary: bool) -> bool {
    match value.strip_prefix(prefix) {
        None => false,
        Some(rest) => !boundary || !rest.chars().next().is_some_and(is_word_char),
    }
}

/// The weak form of a name: lowercase, and every run of `-`, `.`, `_` one `.`. (Confusable
/// folding, TR39's skeleton, is not applied: a known deviation.)
pub fn fold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut in_run = false;
    for c in value.chars() {
        if matches!(c, '-' | '.' | '_') {
            if !in_run {
                out.push('.');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

fn bad(field: &str, value: &str, why: impl fmt::Display) -> FieldError {
    FieldError::rule(
        field,
        format!(
            "Value '{}' at '{field}' failed to satisfy constraint: {why}",
            escape_other_category(value)
        ),
    )
}

/// Checks one namespace, name or prefix segment: 1–255 characters of `[^#/\s]`, no `\p{C}`.
fn check_segment(field: &str, text: &str, seg: &str, what: &str) -> Result<(), FieldError> {
    if seg.chars().count() > 255 {
        return Err(bad(
            field,
            text,
            format!("the {what} is longer than 255 characters"),
        ));
    }
    if seg
        .chars()
        .any(|c| c == '#' || c.is_whitespace() || is_other_category(c))
    {
        return Err(bad(
            field,
            text,
            format!("the {what} must not contain '#', whitespace or \\p{{C}} characters"),
        ));
    }
    Ok(())
}

impl PackageGroupPattern {
    /// Parses and validates a pattern, reporting a violation on `field` (`packageGroup`).
    pub fn parse_as(text: &str, field: &str) -> Result<Self, FieldError> {
        let len = text.chars().count();
        if !(2..=520).contains(&len) {
            return Err(FieldError::constraint(
                field,
                &escape_other_category(text),
                "have length between 2 and 520",
            ));
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || is_other_category(c))
        {
            return Err(FieldError::constraint(
                field,
                &escape_other_category(text),
                "satisfy regular expression pattern: [^\\p{C}\\p{IsWhitespace}]+",
            ));
        }
        let scope = Self::scope_of(text, field)?;
        Ok(PackageGroupPattern {
            text: text.to_owned(),
            scope,
        })
    }

    /// [`PackageGroupPattern::parse_as`] on field `packageGroup`.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Self::parse_as(text, "packageGroup")
    }

    /// The root group's pattern.
    pub fn root() -> Self {
        PackageGroupPattern {
            text: ROOT_PATTERN.to_owned(),
            scope: Scope::Root,
        }
    }

    fn scope_of(text: &str, field: &str) -> Result<Scope, FieldError> {
        if text == ROOT_PATTERN {
            return Ok(Scope::Root);
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(bad(
                field,
                text,
                format!("a pattern starts with '/' and has one of the forms {FORMS}"),
            ));
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let format = PackageFormat::parse_as(segments[0], field).map_err(|_| {
            bad(field, text, format!("'{}' is not a package format (npm, pypi, maven, nuget, generic, ruby, swift, cargo)", escape_other_category(segments[0])))
        })?;
        let form_error = || {
            bad(
                field,
                text,
                format!(
                    "the pattern must have one of the forms {FORMS}; '~' follows a word character, '*' follows '/' or punctuation, '$' ends a full name"
                ),
            )
        };
        let scope = match segments[1..] {
            ["*"] => Scope::Format(format),
            [last] => {
                let (prefix, boundary) = suffix_prefix(last).ok_or_else(form_error)?;
                check_segment(field, text, prefix, "namespace prefix")?;
                Scope::NamespacePrefix {
                    format,
                    prefix: prefix.to_owned(),
                    boundary,
                }
            }
            [ns, "*"] => {
                check_ns(field, text, ns)?;
                Scope::Namespace {
                    format,
                    namespace: ns.to_owned(),
                }
            }
            [ns, last] => {
                check_ns(field, text, ns)?;
                if let Some(name) = last.strip_suffix('$').filter(|n| !n.is_empty()) {
                    check_segment(field, text, name, "name")?;
                    Scope::Exact {
                        format,
                        namespace: ns.to_owned(),
                        name: name.to_owned(),
                    }
                } else {
                    let (prefix, boundary) = suffix_prefix(last).ok_or_else(form_error)?;
                    check_segment(field, text, prefix, "name prefix")?;
                    Scope::NamePrefix {
                        format,
                        namespace: ns.to_owned(),
                        prefix: prefix.to_owned(),
                        boundary,
                    }
                }
            }
            _ => return Err(form_error()),
        };
        check_format_rules(field, text, &scope)?;
        Ok(scope)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the pattern covers.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Whether this is the root pattern `/*`.
    pub fn is_root(&self) -> bool {
        self.scope == Scope::Root
    }

    /// The format the pattern is limited to (none for the root).
    pub fn format(&self) -> Option<PackageFormat> {
        match &self.scope {
            Scope::Root => None,
            Scope::Format(f)
            | Scope::NamespacePrefix { format: f, .. }
            | Scope::Namespace { format: f, .. }
            | Scope::NamePrefix { format: f, .. }
            | Scope::Exact { format: f, .. } => Some(*f),
        }
    }

    /// How specific the pattern is: a higher rank is more specific. Forms rank
    /// `root < /{fmt}/* < namespace prefix < /{fmt}/{ns}/* < name prefix < exact`, and a longer
    /// prefix ranks above a shorter one of the same form.
    pub fn rank(&self) -> (u8, usize) {
        match &self.scope {
            Scope::Root => (0, 0),
            Scope::Format(_) => (1, 0),
            Scope::NamespacePrefix {
                prefix, boundary, ..
            } => (2, prefix.len() * 2 + usize::from(*boundary)),
            Scope::Namespace { .. } => (3, 0),
            Scope::NamePrefix {
                prefix, boundary, ..
            } => (4, prefix.len() * 2 + usize::from(*boundary)),
            Scope::Exact { .. } => (5, 0),
        }
    }

    /// How the package `format`/`namespace`/`name` matches, if at all. `namespace` `None` or
    /// `""` is a package without a namespace. Names are taken literally (callers pass stored,
    /// normalised names).
    pub fn matches(
        &self,
        format: PackageFormat,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Strength> {
        let ns = namespace.unwrap_or("");
        if self.scope == Scope::Root {
            return Some(Strength::Strong);
        }
        if self.format() != Some(format) {
            return None;
        }
        if self.test(ns, name, |s| s.to_owned()) {
            Some(Strength::Strong)
        } else if self.test(&fold(ns), &fold(name), fold) {
            Some(Strength::Weak)
        } else {
            None
        }
    }

    /// The literal test on (possibly folded) values, with `f` applied to the pattern's parts.
    fn test(&self, ns: &str, name: &str, f: impl Fn(&str) -> String) -> bool {
        match &self.scope {
            Scope::Root | Scope::Format(_) => true,
            Scope::NamespacePrefix {
                prefix, boundary, ..
            } => !ns.is_empty() && prefix_matches(ns, &f(prefix), *boundary),
            Scope::Namespace { namespace, .. } => ns == f(namespace),
            Scope::NamePrefix {
                namespace,
                prefix,
                boundary,
                ..
            } => ns == f(namespace) && prefix_matches(name, &f(prefix), *boundary),
            Scope::Exact {
                namespace, name: n, ..
            } => ns == f(namespace) && name == f(n),
        }
    }

    /// Whether every package `other` matches (strongly), this pattern matches too.
    pub fn contains(&self, other: &PackageGroupPattern) -> bool {
        use Scope::*;
        if self.text == other.text {
            return true;
        }
        match (&self.scope, &other.scope) {
            (Root, _) => true,
            (_, Root) => false,
            (Format(f), _) => Some(*f) == other.format(),
            (
                NamespacePrefix {
                    format,
                    prefix,
                    boundary,
                },
                o,
            ) => {
                Some(*format) == other.format()
                    && match o {
                        NamespacePrefix { prefix: q, .. } => prefix_matches(q, prefix, *boundary),
                        Namespace { namespace, .. }
                        | NamePrefix { namespace, .. }
                        | Exact { namespace, .. } => {
                            !namespace.is_empty() && prefix_matches(namespace, prefix, *boundary)
                        }
                        _ => false,
                    }
            }
            (
                Namespace { format, namespace },
                NamePrefix {
                    format: f2,
                    namespace: n2,
                    ..
                }
                | Exact {
                    format: f2,
                    namespace: n2,
                    ..
                },
            ) => format == f2 && namespace == n2,
            (
                NamePrefix {
                    format,
                    namespace,
                    prefix,
                    boundary,
                },
                NamePrefix {
                    format: f2,
                    namespace: n2,
                    prefix: q,
                    ..
                }
                | Exact {
                    format: f2,
                    namespace: n2,
                    name: q,
                },
            ) => format == f2 && namespace == n2 && prefix_matches(q, prefix, *boundary),
            _ => false,
        }
    }

    /// Whether this pattern contains `other` and is not `other`.
    pub fn strictly_contains(&self, other: &PackageGroupPattern) -> bool {
        self.text != other.text && self.contains(other)
    }
}

impl fmt::Display for PackageGroupPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `prefix~` (after a word character) or `prefix*` (after punctuation): the prefix and whether
/// it ends at a word boundary.
fn suffix_prefix(segment: &str) -> Option<(&str, bool)> {
    if let Some(p) = segment.strip_suffix('~') {
        let last = p.chars().last()?;
        return is_word_char(last).then_some((p, true));
    }
    let p = segment.strip_suffix('*')?;
    let last = p.chars().last()?;
    (!is_word_char(last) && !matches!(last, '*' | '~' | '$')).then_some((p, false))
}

fn check_ns(field: &str, text: &str, ns: &str) -> Result<(), FieldError> {
    if ns.is_empty() {
        Ok(())
    } else {
        check_segment(field, text, ns, "namespace")
    }
}

/// The format's namespace rule and normalisation, applied to a pattern.
fn check_format_rules(field: &str, text: &str, scope: &Scope) -> Result<(), FieldError> {
    let (format, ns, name) = match scope {
        Scope::Root | Scope::Format(_) => return Ok(()),
        Scope::NamespacePrefix { format, prefix, .. } => (*format, Some(prefix.as_str()), None),
        Scope::Namespace { format, namespace } => (*format, Some(namespace.as_str()), None),
        Scope::NamePrefix {
            format,
            namespace,
            prefix,
            ..
        } => (*format, Some(namespace.as_str()), Some(prefix.as_str())),
        Scope::Exact {
            format,
            namespace,
            name,
        } => (*format, Some(namespace.as_str()), Some(name.as_str())),
    };
    let ns = ns.unwrap_or("");
    let ns_prefix_form = matches!(scope, Scope::NamespacePrefix { .. });
    match format.namespace_rule() {
        NamespaceRule::Forbidden if ns_prefix_form || !ns.is_empty() => {
            return Err(bad(
                field,
                text,
                format!("{format} packages have no namespace: write /{format}//..."),
            ));
        }
        NamespaceRule::Required if ns.is_empty() => {
            return Err(bad(
                field,
                text,
                format!("{format} packages always have a namespace"),
            ));
        }
        _ => {}
    }
    if format == PackageFormat::Npm && ns.starts_with('@') {
        return Err(bad(field, text, "npm scopes are written without '@'"));
    }
    if format == PackageFormat::Swift && ns.to_lowercase() != ns {
        return Err(bad(
            field,
            text,
            "swift namespaces must be normalised (lowercase)",
        ));
    }
    if let Some(name) = name
        && matches!(
            format,
            PackageFormat::Pypi | PackageFormat::Nuget | PackageFormat::Swift
        )
        && format.normalize_name(name) != name
    {
        return Err(bad(
            field,
            text,
            format!(
                "{format} names must be normalised ('{}')",
                format.normalize_name(name)
            ),
        ));
    }
    Ok(())
}
