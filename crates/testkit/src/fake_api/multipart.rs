//! Multipart forms as teloxide sends them (`setWebhook`, `sendPhoto`, `sendDocument`), read byte
//! for byte so that a PNG or a workbook arrives as it was sent.

use std::sync::Arc;

use serde_json::{Value, json};

/// A file sent in a form: its field (`photo`, `document`), its name and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub bytes: Arc<Vec<u8>>,
}

/// The form's fields as a JSON object (each value read as JSON when it is, else as a string; a
/// file as `{"file_name", "size"}`) and the files in it; None when the body is no form.
pub(super) fn parse(body: &[u8]) -> Option<(Value, Vec<Upload>)> {
    let line_end = find(body, b"\r\n")?;
    let boundary = &body[..line_end];
    if !boundary.starts_with(b"--") {
        return None;
    }
    let mut delimiter = b"\r\n".to_vec();
    delimiter.extend_from_slice(boundary);
    let mut fields = serde_json::Map::new();
    let mut uploads = Vec::new();
    // Everything after the first boundary line, split at each following "\r\n--boundary".
    let mut rest = &body[line_end + 2..];
    while let Some(end) = find(rest, &delimiter) {
        let part = &rest[..end];
        rest = &rest[end + delimiter.len()..];
        let Some(split) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..split]);
        let value = &part[split + 4..];
        let Some(name) = attribute(&head, "name") else { continue };
        match attribute(&head, "filename") {
            Some(file_name) => {
                fields.insert(name.clone(), json!({ "file_name": file_name, "size": value.len() }));
                uploads.push(Upload { field: name, file_name, bytes: Arc::new(value.to_vec()) });
            }
            None => {
                let text = String::from_utf8_lossy(value);
                fields.insert(name, serde_json::from_str(&text).unwrap_or_else(|_| json!(text)));
            }
        }
        // After the closing boundary comes "--".
        if rest.starts_with(b"--") {
            break;
        }
    }
    // teloxide names a file's part at random and points to it from its field (`"photo":
    // "attach://<name>"`): the file is known by the field.
    let mut parts = Vec::new();
    for (field, value) in fields.iter_mut() {
        let Some(part) = value.as_str().and_then(|v| v.strip_prefix("attach://")) else { continue };
        if let Some(upload) = uploads.iter_mut().find(|u| u.field == part) {
            parts.push(std::mem::replace(&mut upload.field, field.clone()));
            *value = json!({ "file_name": upload.file_name, "size": upload.bytes.len() });
        }
    }
    for part in parts {
        fields.remove(&part);
    }
    Some((Value::Object(fields), uploads))
}

/// `name="…"` in a part's `Content-Disposition`, not confused with `filename="…"`.
fn attribute(head: &str, key: &str) -> Option<String> {
    let pattern = format!("{key}=\"");
    let mut from = 0;
    while let Some(at) = head[from..].find(&pattern) {
        let start = from + at;
        let preceded = head[..start].chars().next_back();
        if matches!(preceded, None | Some(' ' | ';')) {
            let value = &head[start + pattern.len()..];
            return value.split('"').next().map(str::to_string);
        }
        from = start + pattern.len();
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_with_a_binary_file_keeps_its_bytes_and_its_fields() {
        let png = [0x89u8, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 255];
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n".to_vec();
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"t.png\"\r\n\r\n");
        body.extend_from_slice(&png);
        body.extend_from_slice(
            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n趋势\r\n--XyZ--\r\n".as_bytes(),
        );
        let (fields, uploads) = parse(&body).unwrap();
        assert_eq!(fields["chat_id"], json!(42));
        assert_eq!(fields["caption"], json!("趋势"));
        assert_eq!(fields["photo"], json!({ "file_name": "t.png", "size": png.len() }));
        assert_eq!(uploads.len(), 1);
        assert_eq!(uploads[0].field, "photo");
        assert_eq!(uploads[0].bytes.as_slice(), png);
    }

    #[test]
    fn a_file_attached_by_reference_is_known_by_the_field_that_names_it() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nattach://x1\r\n\
--b\r\nContent-Disposition: form-data; name=\"x1\"; filename=\"t.png\"\r\n\r\nPNG\r\n--b--\r\n";
        let (fields, uploads) = parse(body).unwrap();
        assert_eq!(fields, json!({ "photo": { "file_name": "t.png", "size": 3 } }));
        assert_eq!(uploads[0].field, "photo");
    }

    #[test]
    fn a_json_body_is_no_form() {
        assert!(parse(br#"{"chat_id":1}"#).is_none());
    }
}
