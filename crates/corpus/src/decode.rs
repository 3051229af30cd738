//! Turning a file's bytes into text: UTF-8 (with or without BOM, CRLF or LF), UTF-16 with a BOM,
//! or GB18030/GBK, which older Chinese documents still come in.

use std::borrow::Cow;

pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    /// Set when the file is UTF-8 with a few broken bytes: the text is still loaded, with U+FFFD in
    /// their place, and this says where the first one was (1-based line) and how many there were.
    pub replaced: Option<(u32, usize)>,
}

/// Why a file could not be read as text at all.
pub struct Undecodable {
    pub line: u32,
    pub message: String,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Undecodable> {
    let ok = |text, encoding| Decoded { text, encoding, replaced: None };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (encoding, rest) =
            if bytes[0] == 0xFF { (encoding_rs::UTF_16LE, &bytes[2..]) } else { (encoding_rs::UTF_16BE, &bytes[2..]) };
        return match encoding.decode_without_bom_handling_and_without_replacement(rest) {
            Some(text) => check_controls(ok(text, if bytes[0] == 0xFF { "utf-16le" } else { "utf-16be" })),
            None => Err(Undecodable {
                line: 0,
                message: "starts with a UTF-16 byte order mark but is not valid UTF-16".into(),
            }),
        };
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(binary());
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<Decoded<'_>, Undecodable> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return check_controls(Decoded { text: Cow::Borrowed(text), encoding: "utf-8", replaced: None });
    }
    // Tell a UTF-8 file with a few damaged bytes from a GB18030 one: in the first, almost all
    // non-ASCII bytes form valid UTF-8 sequences.
    let (mut valid_multibyte, mut invalid, mut first_bad) = (0usize, 0usize, None);
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            invalid += 1;
            first_bad.get_or_insert(offset);
        }
        offset += chunk.invalid().len();
    }
    if invalid * 20 < valid_multibyte {
        let line = line_of(bytes, first_bad.unwrap_or(0));
        let text = String::from_utf8_lossy(bytes);
        return check_controls(Decoded { text, encoding: "utf-8", replaced: Some((line, invalid)) });
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => check_controls(Decoded { text, encoding: "gb18030", replaced: None }),
        None => Err(Undecodable {
            line: line_of(bytes, gb18030_error(bytes)),
            message: "is neither UTF-8 nor GB18030/GBK text; save it as UTF-8".into(),
        }),
    }
}

/// Where GB18030 decoding of `bytes` fails: the offset of the first malformed sequence (the first
/// invalid UTF-8 byte is no guide, since a GB18030 file has those from its first Chinese character).
fn gb18030_error(bytes: &[u8]) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    // Decoded a buffer at a time (the string's capacity is never grown): only the position is wanted.
    let mut text = String::with_capacity(16 * 1024);
    let mut offset = 0;
    loop {
        text.clear();
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[offset..], &mut text, true);
        offset += read;
        match result {
            encoding_rs::DecoderResult::Malformed(length, after) => {
                return offset.saturating_sub(usize::from(length) + usize::from(after));
            }
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::InputEmpty => return bytes.len(),
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() as u32 + 1
}

fn binary() -> Undecodable {
    Undecodable { line: 0, message: "looks like a binary file, not text; digests are plain .txt files".into() }
}

/// Text full of control characters is a binary file that happened to decode.
fn check_controls(decoded: Decoded<'_>) -> Result<Decoded<'_>, Undecodable> {
    let bytes = decoded.text.as_bytes();
    let controls =
        bytes.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)) || b == 0x7f).count();
    if controls > 0 && controls * 100 >= bytes.len() {
        return Err(binary());
    }
    Ok(decoded)
}
