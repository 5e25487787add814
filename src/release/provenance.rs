//! SLSA provenance as in-toto statements: the SHA-256 digests of their
//! subjects. A `.intoto.jsonl` file holds one JSON document per line: a
//! DSSE envelope (`payloadType` `application/vnd.in-toto+json`, base64
//! `payload`), a Sigstore bundle with a `dsseEnvelope`, or a bare
//! statement; a single document may also span several lines. Only
//! integrity is checked (is each artifact a subject?),
//! not who signed the envelope.

use crate::error::{Error, Result};
use crate::location::SourceText;
use base64::Engine;
use serde::Deserialize;
use std::collections::BTreeSet;

const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
}

#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "_type")]
    kind: String,
    subject: Vec<Subject>,
}

#[derive(Deserialize)]
struct Subject {
    #[serde(default)]
    digest: std::collections::BTreeMap<String, String>,
}

/// The statements' subject digests (lower-case hex SHA-256).
pub fn subjects(src: &SourceText) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut statements = 0;
    // One document over several lines (a pretty-printed Sigstore bundle),
    // else one document per line.
    let whole = [src.text.as_str()];
    let docs: Vec<&str> = match serde_json::from_str::<serde::de::IgnoredAny>(&src.text) {
        Ok(_) => whole.to_vec(),
        Err(_) => src.text.lines().collect(),
    };
    for (i, line) in docs.into_iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |key: &str, msg: String| Error::input(&src.display, (i as u32 + 1, 1), key, msg);
        let doc: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad("", format!("not JSON: {e}")))?;
        let statement = statement_of(doc).map_err(|(key, msg)| bad(key, msg))?;
        if !statement.kind.starts_with("https://in-toto.io/Statement/") {
            return Err(bad(
                "_type",
                format!("`{}` is not an in-toto statement type", statement.kind),
            ));
        }
        for s in statement.subject {
            if let Some(d) = s.digest.get("sha256") {
                out.insert(d.to_ascii_lowercase());
            }
        }
        statements += 1;
    }
    if statements == 0 {
        return Err(Error::input(
            &src.display,
            (1, 1),
            "",
            "no in-toto statement in the provenance file",
        ));
    }
    Ok(out)
}

type Bad = (&'static str, String);

/// The statement a line carries, unwrapping a bundle and an envelope.
fn statement_of(mut doc: serde_json::Value) -> std::result::Result<Statement, Bad> {
    if let Some(inner) = doc.get_mut("dsseEnvelope").map(serde_json::Value::take) {
        doc = inner;
    }
    if doc.get("payloadType").is_some() {
        let env: Envelope = serde_json::from_value(doc)
            .map_err(|e| ("payload", format!("malformed DSSE envelope: {e}")))?;
        if env.payload_type != PAYLOAD_TYPE {
            return Err((
                "payloadType",
                format!("`{}`, expected `{PAYLOAD_TYPE}`", env.payload_type),
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(env.payload.trim())
            .map_err(|e| ("payload", format!("not base64: {e}")))?;
        return serde_json::from_slice(&bytes).map_err(|e| {
            (
                "payload",
                format!("the payload is not an in-toto statement: {e}"),
            )
        });
    }
    serde_json::from_value(doc).map_err(|e| ("", format!("not an in-toto statement: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(digest: &str) -> String {
        format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"app","digest":{{"sha256":"{digest}"}}}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{}}}}"#
        )
    }

    #[test]
    fn bare_enveloped_and_bundled_statements() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(statement("BB"));
        let text = format!(
            "{}\n{{\"payloadType\":\"{PAYLOAD_TYPE}\",\"payload\":\"{b64}\",\"signatures\":[]}}\n{{\"dsseEnvelope\":{{\"payloadType\":\"{PAYLOAD_TYPE}\",\"payload\":\"{}\"}}}}\n",
            statement("aa"),
            base64::engine::general_purpose::STANDARD.encode(statement("cc"))
        );
        let s = subjects(&SourceText::new("p.intoto.jsonl", text)).unwrap();
        assert_eq!(s.into_iter().collect::<Vec<_>>(), ["aa", "bb", "cc"]);
    }

    #[test]
    fn a_pretty_printed_bundle() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(statement("dd"));
        let text = format!(
            "{{\n  \"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\",\n  \"dsseEnvelope\": {{\n    \"payloadType\": \"{PAYLOAD_TYPE}\",\n    \"payload\": \"{b64}\"\n  }}\n}}\n"
        );
        let s = subjects(&SourceText::new("b.json", text)).unwrap();
        assert_eq!(s.into_iter().collect::<Vec<_>>(), ["dd"]);
    }

    #[test]
    fn malformed_provenance_is_an_error_at_its_line() {
        for (text, want) in [
            (format!("{}\n{{", statement("aa")), "p:2:1"),
            (
                r#"{"payloadType":"text/plain","payload":""}"#.to_string(),
                "payloadType",
            ),
            (
                r#"{"payloadType":"application/vnd.in-toto+json","payload":"!!"}"#.to_string(),
                "base64",
            ),
            (
                r#"{"_type":"x","subject":[]}"#.to_string(),
                "not an in-toto",
            ),
            (String::new(), "no in-toto statement"),
        ] {
            let e = subjects(&SourceText::new("p", text.clone()))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
