//! Package groups (spec `groups-connections-tags.md` §1): patterns, the hierarchy of a
//! domain's groups and the origin restrictions that apply to a package. Pure: the server
//! feeds it the stored groups, the console the listed ones.
//!
//! A package's path is `/{format}/{namespace}/{name}` (an empty namespace segment for none).
//! Pattern forms, from least to most specific:
//!
//! | Form | Matches |
//! |---|---|
//! | `/*` | every package (the root, which every domain has) |
//! | `/{fmt}/*` | every package of the format |
//! | `/{fmt}/{p}~` | namespaces beginning with `p` at a word boundary |
//! | `/{fmt}/{ns}/*` | every name in namespace `ns` (`/npm//*`: unscoped) |
//! | `/{fmt}/{ns}/{p}~` | names in `ns` beginning with `p` at a word boundary |
//! | `/{fmt}/{ns}/{name}$` | exactly that package |
//!
//! `{p}*` with `p` ending in punctuation (`/npm/acme/ui-*`) is a plain prefix. The most specific
//! matching group wins; a group's parent is the most specific group strictly containing it;
//! `INHERIT` takes the parent's effective mode. A package matching its group only after
//! folding (case, `-._` runs) is WEAK-ly associated and blocked for every origin.

mod pattern;
mod resolve;
// Property tests need proptest, which the wasm test build does not have (as copy's and
// promotion's tests).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use pattern::{
    PackageGroupPattern, ROOT_PATTERN, Scope, Strength, fold, is_word_char, prefix_matches,
};
pub use resolve::{
    AssociationType, EffectiveRestriction, EffectiveRestrictions, GroupConfig, GroupSet,
    OriginRestrictionMode, OriginRestrictionType,
};
