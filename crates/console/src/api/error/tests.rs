use super::*;

#[test]
fn decodes_each_error_kind() {
    let v = ClientError::decode(
        400,
        Some("ValidationException:http://internal.amazon.com/coral/"),
        r#"{"message":"1 validation error detected: Value 'Bad' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern"}"#,
    );
    match &v {
        ClientError::Validation { fields, .. } => {
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].field, "domain");
            assert!(
                fields[0].message.starts_with("Value 'Bad'"),
                "{}",
                fields[0].message
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ClientError::decode(403, Some("AccessDeniedException"), r#"{"message":"no"}"#),
        ClientError::AccessDenied {
            message: "no".into()
        }
    );
    assert_eq!(
        ClientError::decode(
            404,
            Some("ResourceNotFoundException"),
            r#"{"message":"gone","resourceType":"package"}"#
        ),
        ClientError::NotFound {
            resource_type: Some("package".into()),
            message: "gone".into()
        }
    );
    assert!(
        ClientError::decode(409, Some("ConflictException"), "{}")
            .to_string()
            .starts_with("Conflict")
    );
    for code in [
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "InvalidSignatureException",
    ] {
        assert!(ClientError::decode(403, Some(code), r#"{"message":"x"}"#).is_unauthorized());
    }
    assert!(ClientError::decode(401, None, "").is_unauthorized());
    assert_eq!(
        ClientError::decode(500, None, "oops"),
        ClientError::Other {
            code: "HTTP 500".into(),
            message: "The service answered HTTP 500".into()
        }
    );
    assert_eq!(
        ClientError::decode(
            429,
            None,
            r#"{"__type":"com.amazon#ThrottlingException","message":"slow"}"#
        ),
        ClientError::Other {
            code: "ThrottlingException".into(),
            message: "slow".into()
        }
    );
}

#[test]
fn package_not_found_is_recognised() {
    let nf = |t: Option<&str>| ClientError::NotFound {
        resource_type: t.map(str::to_owned),
        message: String::new(),
    };
    assert!(nf(Some("package")).is_package_not_found());
    assert!(nf(None).is_package_not_found());
    assert!(!nf(Some("repository")).is_package_not_found());
}

#[test]
fn several_validation_fields_are_split() {
    let f = fields_of_message(
        "2 validation errors detected: Value 'x' at 'domain' failed to satisfy constraint: a; \
         Value 'y' at 'sourceRepository' failed to satisfy constraint: b",
    );
    let names: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(names, vec!["domain", "sourceRepository"]);
}

#[test]
fn decodes_npm_errors_with_their_text() {
    let denied = r#"{"error":"User: arn:aws:iam::000000000000:user/p is not authorized to perform: codeartifact:ReadFromRepository on resource: arn:x"}"#;
    match ClientError::decode_npm(403, denied) {
        ClientError::AccessDenied { message } => {
            assert!(
                message.contains("codeartifact:ReadFromRepository"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(
        ClientError::decode_npm(401, r#"{"error":"Unable to authenticate"}"#).is_unauthorized()
    );
    assert_eq!(
        ClientError::decode_npm(500, "<html>"),
        ClientError::Other {
            code: "HTTP 500".into(),
            message: "The npm endpoint answered HTTP 500".into()
        }
    );
}
