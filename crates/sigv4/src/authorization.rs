//! Parsing the `Authorization` header value botocore sends:
//! `AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/<service>/aws4_request,
//! SignedHeaders=<a;b;c>, Signature=<64 hex>`.

use crate::SigV4Error;

/// The only algorithm SigV4 header signing uses.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The fixed last element of a SigV4 credential scope.
pub const TERMINATOR: &str = "aws4_request";

/// The parts of a SigV4 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The access key id (first element of `Credential`).
    pub access_key_id: String,
    /// The scope date, `yyyymmdd` (eight ASCII digits; not checked to be a real date).
    pub date: String,
    /// The scope region, e.g. `us-west-2`.
    pub region: String,
    /// The scope service; botocore sends `codeartifact`. Not checked by the parser.
    pub service: String,
    /// The `SignedHeaders` names, lowercased, in the order given.
    pub signed_headers: Vec<String>,
    /// The `Signature` value as given (botocore sends 64 lowercase hex digits).
    pub signature: String,
}

impl ParsedAuthorization {
    /// The credential scope `date/region/service/aws4_request` that goes into the string to sign.
    pub fn scope(&self) -> String {
        crate::credential_scope(&self.date, &self.region, &self.service)
    }
}

/// Parses an `Authorization` header value.
///
/// Accepts the algorithm followed by whitespace and comma-separated `key=value` parameters
/// (spaces around each parameter are ignored, so botocore's `, ` and a bare `,` both work).
/// `Credential`, `SignedHeaders` and `Signature` are required, unknown parameters are ignored,
/// empty elements (a trailing comma) are skipped. Errors:
/// - [`SigV4Error::UnsupportedAlgorithm`] if the algorithm is not `AWS4-HMAC-SHA256`;
/// - [`SigV4Error::NotKeyValuePair`], [`SigV4Error::DuplicateParameter`],
///   [`SigV4Error::MissingParameters`] (all missing names at once, like AWS),
///   [`SigV4Error::MalformedCredential`], [`SigV4Error::MalformedSignedHeaders`];
/// - [`SigV4Error::WrongTerminator`] if the scope does not end in `aws4_request`.
pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, SigV4Error> {
    let header = header.trim_matches(|c: char| c.is_ascii_whitespace());
    let (algorithm, rest) = header
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(SigV4Error::UnsupportedAlgorithm(algorithm.to_owned()));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for element in rest.split(',') {
        let element = element.trim_matches(|c: char| c.is_ascii_whitespace());
        if element.is_empty() {
            continue;
        }
        let (key, value) = element
            .split_once('=')
            .ok_or_else(|| SigV4Error::NotKeyValuePair(element.to_owned()))?;
        let (slot, name) = match key {
            "Credential" => (&mut credential, "Credential"),
            "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
            "Signature" => (&mut signature, "Signature"),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(SigV4Error::DuplicateParameter(name));
        }
    }

    fn present(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.is_empty())
    }
    let (credential, signed_headers, signature) = match (
        present(credential),
        present(signed_headers),
        present(signature),
    ) {
        (Some(c), Some(h), Some(s)) => (c, h, s),
        (c, h, s) => {
            let missing = [(c, "Credential"), (h, "SignedHeaders"), (s, "Signature")]
                .into_iter()
                .filter(|(v, _)| v.is_none())
                .map(|(_, name)| name)
                .collect();
            return Err(SigV4Error::MissingParameters(missing));
        }
    };

    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(SigV4Error::MalformedCredential(credential.to_owned()));
    };
    if access_key_id.is_empty()
        || region.is_empty()
        || service.is_empty()
        || date.len() != 8
        || !date.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SigV4Error::MalformedCredential(credential.to_owned()));
    }
    if terminator != TERMINATOR {
        return Err(SigV4Error::WrongTerminator(terminator.to_owned()));
    }

    let names: Vec<String> = signed_headers
        .split(';')
        .map(str::to_ascii_lowercase)
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(SigV4Error::MalformedSignedHeaders(
            signed_headers.to_owned(),
        ));
    }

    Ok(ParsedAuthorization {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: names,
        signature: signature.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "d22ef0a09711fcd19498d9bd7c283fb0a5b6960ae6660bc625709634dbbb9709";

    #[test]
    fn parses_botocore_header() {
        let header = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/us-west-2/codeartifact/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature={SIG}"
        );
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(
            parsed,
            ParsedAuthorization {
                access_key_id: "AKIDEXAMPLE".into(),
                date: "20240115".into(),
                region: "us-west-2".into(),
                service: "codeartifact".into(),
                signed_headers: vec!["content-type".into(), "host".into(), "x-amz-date".into()],
                signature: SIG.into(),
            }
        );
        assert_eq!(
            parsed.scope(),
            "20240115/us-west-2/codeartifact/aws4_request"
        );
    }

    #[test]
    fn tolerates_spacing_order_and_unknown_parameters() {
        let header = format!(
            "  AWS4-HMAC-SHA256   Signature={SIG},SignedHeaders=Host;X-Amz-Date ,Foo=bar, \
             Credential=AK/20240115/us-west-2/codeartifact/aws4_request,  "
        );
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(parsed.signed_headers, ["host", "x-amz-date"]);
        assert_eq!(parsed.access_key_id, "AK");
    }

    #[test]
    fn errors() {
        let cred = "Credential=AK/20240115/us-west-2/codeartifact/aws4_request";
        let cases: Vec<(String, SigV4Error)> = vec![
            ("".into(), SigV4Error::UnsupportedAlgorithm("".into())),
            ("Bearer abc".into(), SigV4Error::UnsupportedAlgorithm("Bearer".into())),
            (
                "AWS4-HMAC-SHA256".into(),
                SigV4Error::MissingParameters(vec!["Credential", "SignedHeaders", "Signature"]),
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host, Signature="),
                SigV4Error::MissingParameters(vec!["Signature"]),
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders, Signature=x"),
                SigV4Error::NotKeyValuePair("SignedHeaders".into()),
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, {cred}, SignedHeaders=host, Signature=x"),
                SigV4Error::DuplicateParameter("Credential"),
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AK/20240115/us-west-2/codeartifact, SignedHeaders=host, Signature=x".into(),
                SigV4Error::MalformedCredential("AK/20240115/us-west-2/codeartifact".into()),
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AK/2024011/us-west-2/codeartifact/aws4_request, SignedHeaders=host, Signature=x".into(),
                SigV4Error::MalformedCredential("AK/2024011/us-west-2/codeartifact/aws4_request".into()),
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AK/20240115/us-west-2/codeartifact/aws5_request, SignedHeaders=host, Signature=x".into(),
                SigV4Error::WrongTerminator("aws5_request".into()),
            ),
            (
                format!("AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;;x-amz-date, Signature=x"),
                SigV4Error::MalformedSignedHeaders("host;;x-amz-date".into()),
            ),
        ];
        for (header, want) in cases {
            assert_eq!(parse_authorization(&header), Err(want), "{header}");
        }
    }
}
