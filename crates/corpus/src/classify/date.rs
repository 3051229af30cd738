//! Dates written the Chinese way: `2024年3月5日`, `二〇二六年一月二十七日`.

/// Whether `t` opens with a full date, `2026年1月27日` or `二〇二六年一月二十七日`.
pub(super) fn starts_with_date(t: &str) -> bool {
    let mut chars = t.chars();
    let year: [Option<char>; 5] = std::array::from_fn(|_| chars.next());
    let digits = |digit: fn(char) -> bool| year[..4].iter().all(|c| c.is_some_and(digit));
    year[4] == Some('年')
        && (digits(|c| c.is_ascii_digit()) || digits(|c| "〇零一二三四五六七八九".contains(c)))
        && t.contains('月')
        && t.contains('日')
}

/// The year of a document that gives no full date, only a year in its title
/// (`2019年中华人民共和国国务院政府工作报告`): the first `19xx年` or `20xx年`, as `2019`. Counted for
/// that year by the research tools, and shown as its date.
pub fn cn_year(t: &str) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = t[from..].find('年').map(|p| p + from) {
        from = pos + '年'.len_utf8();
        let before = &t.as_bytes()[..pos];
        let digits = before.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if digits == 4 && (before[pos - 4..].starts_with(b"19") || before[pos - 4..].starts_with(b"20")) {
            return Some(t[pos - 4..pos].to_string());
        }
    }
    None
}

/// Finds a full date written the Chinese way (`2024年3月5日`) and returns it as `2024-03-05`.
pub fn cn_date(t: &str) -> Option<String> {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(pos) = t[from..].find('年').map(|p| p + from) {
        from = pos + '年'.len_utf8();
        let year_start = bytes[..pos].iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if year_start != 4 {
            continue;
        }
        let year: i32 = t[pos - 4..pos].parse().ok()?;
        let rest = &t[from..];
        let month_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after_month) = rest[month_len..].strip_prefix('月') else { continue };
        let day_len = after_month.bytes().take_while(u8::is_ascii_digit).count();
        if after_month[day_len..].starts_with('日') && (1..=2).contains(&month_len) && (1..=2).contains(&day_len) {
            let month: u32 = rest[..month_len].parse().ok()?;
            let day: u32 = after_month[..day_len].parse().ok()?;
            if let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) {
                return Some(date.format("%Y-%m-%d").to_string());
            }
        }
    }
    None
}
