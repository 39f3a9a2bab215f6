//! IAM wildcard matching for the `Action` and `Resource` elements.
//!
//! Both elements use the same two wildcards: `*` matches any run of characters (including none)
//! and `?` matches exactly one character. The differences are:
//!
//! - **Actions** match case-insensitively (`codeartifact:describe*` matches
//!   `codeartifact:DescribeDomain`), as IAM does.
//! - **Resources** match case-sensitively. An ARN pattern is compared field by field for its
//!   first five `:`-separated fields (`arn`, partition, service, region, account), so a wildcard
//!   in the region never swallows the account; the sixth field (the resource part, e.g.
//!   `repository/my-domain/*`) is matched as one string, so there `*` spans `/` and `:`. A
//!   pattern with fewer than six fields (e.g. `arn:aws:codeartifact:*`) is matched as one string,
//!   its trailing `*` covering the rest of the ARN.
//!
//! A requested resource of `*` (operations with no resource type, e.g. `ListDomains`) is matched
//! only by a pattern that matches the literal string `*`, in practice `"Resource": "*"`.

/// Matches `text` against a glob `pattern` with `*` and `?`, comparing characters exactly.
///
/// Runs in O(len(pattern) × len(text)) in the worst case and never recurses.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob_chars(&p, &t)
}

fn glob_chars(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position of the last `*` in the pattern and the text position it is currently matched to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            // Let the last star swallow one more character and retry.
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether an `Action` pattern (e.g. `codeartifact:Describe*`, `*`) matches a concrete action
/// (e.g. `codeartifact:DescribeDomain`). Case-insensitive, as in IAM.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    glob_matches(&pattern.to_lowercase(), &action.to_lowercase())
}

/// Whether a `Resource` pattern matches a concrete resource ARN (or the literal `*`).
/// Case-sensitive; see the module documentation for how ARN fields are compared.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let pattern_fields: Vec<&str> = pattern.splitn(6, ':').collect();
    let resource_fields: Vec<&str> = resource.splitn(6, ':').collect();
    if pattern_fields.len() == 6 && resource_fields.len() == 6 {
        pattern_fields
            .iter()
            .zip(&resource_fields)
            .all(|(p, r)| glob_matches(p, r))
    } else {
        glob_matches(pattern, resource)
    }
}
