//! When a chat's daily section is due: a wall-clock time in an IANA zone, turned into instants
//! date by date, so `09:00 Europe/Berlin` stays 09:00 in Berlin across daylight saving changes.

use std::fmt;
use std::str::FromStr;

use chrono::offset::LocalResult;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{GapInfo, TZ_VARIANTS, Tz};

/// A local time of day, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DailyTime {
    pub hour: u8,
    pub minute: u8,
}

impl DailyTime {
    /// None unless `hour` < 24 and `minute` < 60.
    pub fn new(hour: u8, minute: u8) -> Option<DailyTime> {
        (hour < 24 && minute < 60).then_some(DailyTime { hour, minute })
    }

    pub fn naive(self) -> NaiveTime {
        // Out-of-range fields can only come from a struct literal; midnight keeps that from panicking.
        NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0).unwrap_or(NaiveTime::MIN)
    }
}

/// Chinese input methods type fullwidth digits and colons unless switched to half width; `０８：００`
/// is what such a person means by `08:00`.
fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
        '：' => ':',
        c => c,
    }
}

impl FromStr for DailyTime {
    type Err = ();

    /// `H:MM` or `HH:MM`, 24-hour clock. A one-digit minute (`8:5`) is refused rather than guessed.
    fn from_str(s: &str) -> Result<DailyTime, ()> {
        let s: String = s.chars().map(halfwidth).collect();
        let (h, m) = s.split_once(':').ok_or(())?;
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if !(1..=2).contains(&h.len()) || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(());
        }
        let hour = h.parse().map_err(|_| ())?;
        let minute = m.parse().map_err(|_| ())?;
        DailyTime::new(hour, minute).ok_or(())
    }
}

impl fmt::Display for DailyTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A daily time in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub time: DailyTime,
    pub zone: Tz,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.time, self.zone.name())
    }
}

/// Why `/subscribe`'s arguments were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// This token looks like a time but is not one.
    Time(String),
    /// This token is not a known IANA zone.
    Zone(String),
    /// More than a time and a zone.
    TooMany,
}

/// An IANA zone name, in any letter case (`europe/berlin`): people type zone names by hand.
/// (chrono-tz's own case-insensitive parse needs a feature that regenerates its tables at build
/// time; a scan of its ~600 names on each `/subscribe` costs nothing.)
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok().or_else(|| TZ_VARIANTS.iter().copied().find(|tz| tz.name().eq_ignore_ascii_case(name)))
}

fn is_time_token(token: &str) -> bool {
    token.chars().next().is_some_and(|c| halfwidth(c).is_ascii_digit()) || token.contains([':', '：'])
}

/// `/subscribe` arguments: nothing, a time, a zone, or both in either order. A token starting with
/// a digit or holding a colon is taken for a time (so `8点` is a bad time, not an unknown zone);
/// anything else for a zone. What is not given comes from `defaults`.
pub fn parse_args(args: &str, defaults: Schedule) -> Result<Schedule, ArgError> {
    let tokens: Vec<&str> = args.split_whitespace().collect();
    if tokens.len() > 2 {
        return Err(ArgError::TooMany);
    }
    let (mut time, mut zone) = (None, None);
    for token in tokens {
        let slot = if is_time_token(token) { &mut time } else { &mut zone };
        if slot.replace(token).is_some() {
            return Err(ArgError::TooMany);
        }
    }
    let time = match time {
        Some(t) => t.parse().map_err(|()| ArgError::Time(t.to_string()))?,
        None => defaults.time,
    };
    let zone = match zone {
        Some(z) => parse_zone(z).ok_or_else(|| ArgError::Zone(z.to_string()))?,
        None => defaults.zone,
    };
    Ok(Schedule { time, zone })
}

/// Days `next_due` looks ahead from where it starts; a due time is at most a day and a DST gap
/// away, so a few suffice.
const LOOKAHEAD_DAYS: usize = 4;

impl Schedule {
    /// The local calendar date at instant `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The instant of the delivery on local date `date`. A time skipped by a spring-forward gap
    /// goes at the end of the gap (02:30 Berlin on 2026-03-29 → 03:00 local); a time that occurs
    /// twice in autumn goes at its first occurrence, so it is sent once.
    pub fn due_on(&self, date: NaiveDate) -> DateTime<Utc> {
        let local = date.and_time(self.time.naive());
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
            LocalResult::None => after_gap(local, self.zone),
        }
    }

    /// The local date whose delivery is owed at `now`, if any: the latest date whose due time has
    /// passed, when that was no earlier than `since` (nothing is owed for before the chat
    /// subscribed), at most `window` ago (a bot down all day does not send yesterday's at night),
    /// and after `last`, the date of the chat's last delivery.
    /// A subscription and a last delivery later than `now` (a `deliver --at` typo, a wall clock
    /// that jumped forward and back) say nothing about now: they must not silence a chat until
    /// that date comes. Whether a date was delivered is still told by the deliveries themselves.
    fn as_of(
        now: DateTime<Utc>,
        today: NaiveDate,
        since: DateTime<Utc>,
        last: Option<NaiveDate>,
    ) -> (DateTime<Utc>, Option<NaiveDate>) {
        (since.min(now), last.filter(|&last| last <= today))
    }

    pub fn owed(
        &self,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        last: Option<NaiveDate>,
        window: Duration,
    ) -> Option<NaiveDate> {
        let today = self.local_date(now);
        let (since, last) = Self::as_of(now, today, since, last);
        // Checking only the latest passed date is enough: an earlier one fails every test it fails.
        let (date, due) = [Some(today), today.pred_opt()]
            .into_iter()
            .flatten()
            .map(|d| (d, self.due_on(d)))
            .find(|&(_, due)| due <= now)?;
        let owed = due >= since && now.signed_duration_since(due) <= window && last.is_none_or(|l| l < date);
        owed.then_some(date)
    }

    /// The next delivery: the owed one (due now or earlier) if there is one, else the first date
    /// after `last` whose due time is after both `now` and `since`. Returns (date, instant).
    pub fn next_due(
        &self,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        last: Option<NaiveDate>,
        window: Duration,
    ) -> (NaiveDate, DateTime<Utc>) {
        if let Some(date) = self.owed(now, since, last, window) {
            return (date, self.due_on(date));
        }
        let (since, last) = Self::as_of(now, self.local_date(now), since, last);
        // Start a day early: a due time pushed past midnight by a gap can belong to yesterday.
        let from = |d: NaiveDate| d.pred_opt().unwrap_or(d);
        let mut date = from(self.local_date(now)).max(from(self.local_date(since)));
        if let Some(after) = last.and_then(|l| l.succ_opt()) {
            date = date.max(after);
        }
        let mut due = self.due_on(date);
        for _ in 0..LOOKAHEAD_DAYS {
            if due > now && due >= since && last.is_none_or(|l| l < date) {
                break;
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
            due = self.due_on(date);
        }
        (date, due)
    }
}

/// The first instant after the gap `local` falls in.
fn after_gap(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    if let Some(end) = GapInfo::new(&local, &zone).and_then(|gap| gap.end) {
        return end.with_timezone(&Utc);
    }
    // Only at the edges of the zone data; the offset around `local` is a close enough answer.
    let offset = zone.offset_from_utc_datetime(&local).fix().local_minus_utc();
    local.checked_sub_signed(Duration::seconds(i64::from(offset))).unwrap_or(local).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn t(s: &str) -> DailyTime {
        s.parse().unwrap_or_else(|()| panic!("{s} should parse"))
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(time: &str, zone: Tz) -> Schedule {
        Schedule { time: t(time), zone }
    }

    const SIX_HOURS: Duration = Duration::hours(6);
    const LONG_AGO: &str = "2000-01-01T00:00:00Z";

    fn shanghai_eight() -> Schedule {
        at("08:00", chrono_tz::Asia::Shanghai)
    }

    #[test]
    fn a_delivery_marked_in_the_future_neither_silences_a_chat_today_nor_moves_its_next_delivery_there() {
        let s = at("08:00", chrono_tz::UTC);
        let now = utc("2026-12-03T08:01:00Z");
        let far = Some(date("2062-12-03"));
        assert_eq!(s.owed(now, utc(LONG_AGO), far, SIX_HOURS), Some(date("2026-12-03")));
        let (next, _) = s.next_due(utc("2026-12-03T07:00:00Z"), utc(LONG_AGO), far, SIX_HOURS);
        assert_eq!(next, date("2026-12-03"));
        // A subscription dated in the future (the clock ran ahead when it was made) counts from now.
        let (next, _) = s.next_due(utc("2026-12-03T07:00:00Z"), utc("2062-12-03T07:00:00Z"), None, SIX_HOURS);
        assert_eq!(next, date("2026-12-03"));
    }

    #[test]
    fn times_are_read_on_the_24_hour_clock_with_one_or_two_hour_digits() {
        assert_eq!(t("08:00"), DailyTime { hour: 8, minute: 0 });
        assert_eq!(t("8:00"), DailyTime { hour: 8, minute: 0 });
        assert_eq!(t("23:59"), DailyTime { hour: 23, minute: 59 });
        assert_eq!(t("0:00"), DailyTime { hour: 0, minute: 0 });
    }

    #[test]
    fn times_typed_with_a_fullwidth_input_method_are_understood() {
        assert_eq!(t("０８：００"), DailyTime { hour: 8, minute: 0 });
        assert_eq!(t("9：30"), DailyTime { hour: 9, minute: 30 });
    }

    #[test]
    fn what_is_not_a_clock_time_is_refused() {
        for bad in
            ["25:00", "24:00", "8点", "8", "08:60", "8:5", "", ":", "08:", "123:00", "-1:00", "+8:00", "08:00:00"]
        {
            assert_eq!(bad.parse::<DailyTime>(), Err(()), "{bad:?}");
        }
    }

    #[test]
    fn a_time_always_shows_with_two_digit_hours() {
        assert_eq!(t("8:05").to_string(), "08:05");
        assert_eq!(t("23:59").to_string(), "23:59");
        assert_eq!(shanghai_eight().to_string(), "08:00 Asia/Shanghai");
    }

    #[test]
    fn subscribe_without_arguments_takes_the_configured_time_and_zone() {
        assert_eq!(parse_args("", shanghai_eight()), Ok(shanghai_eight()));
        assert_eq!(parse_args("   ", shanghai_eight()), Ok(shanghai_eight()));
    }

    #[test]
    fn subscribe_takes_a_time_a_zone_or_both_in_either_order() {
        let d = shanghai_eight();
        assert_eq!(parse_args("09:30", d), Ok(at("09:30", chrono_tz::Asia::Shanghai)));
        assert_eq!(parse_args("Europe/Berlin", d), Ok(at("08:00", chrono_tz::Europe::Berlin)));
        assert_eq!(parse_args("09:30 Europe/Berlin", d), Ok(at("09:30", chrono_tz::Europe::Berlin)));
        assert_eq!(parse_args("Europe/Berlin 09:30", d), Ok(at("09:30", chrono_tz::Europe::Berlin)));
        assert_eq!(parse_args("０９：３０\u{3000}UTC", d), Ok(at("09:30", chrono_tz::UTC)));
    }

    #[test]
    fn zone_names_are_matched_in_any_letter_case() {
        let d = shanghai_eight();
        assert_eq!(parse_args("europe/berlin", d), Ok(at("08:00", chrono_tz::Europe::Berlin)));
        assert_eq!(parse_args("AMERICA/NEW_YORK", d), Ok(at("08:00", chrono_tz::America::New_York)));
        assert_eq!(parse_args("utc", d), Ok(at("08:00", chrono_tz::UTC)));
    }

    #[test]
    fn bad_arguments_name_the_token_that_is_wrong() {
        let d = shanghai_eight();
        assert_eq!(parse_args("25:00", d), Err(ArgError::Time("25:00".into())));
        assert_eq!(parse_args("8点", d), Err(ArgError::Time("8点".into())));
        assert_eq!(parse_args("8", d), Err(ArgError::Time("8".into())));
        assert_eq!(parse_args("Mars/Olympus", d), Err(ArgError::Zone("Mars/Olympus".into())));
        assert_eq!(parse_args("09:00 Mars/Olympus", d), Err(ArgError::Zone("Mars/Olympus".into())));
        assert_eq!(parse_args("Berlin", d), Err(ArgError::Zone("Berlin".into())));
        assert_eq!(parse_args("上海", d), Err(ArgError::Zone("上海".into())));
    }

    #[test]
    fn two_times_two_zones_or_three_tokens_are_too_many() {
        let d = shanghai_eight();
        assert_eq!(parse_args("09:00 10:00", d), Err(ArgError::TooMany));
        assert_eq!(parse_args("UTC Europe/Berlin", d), Err(ArgError::TooMany));
        assert_eq!(parse_args("09:00 UTC extra", d), Err(ArgError::TooMany));
    }

    #[test]
    fn shanghai_has_no_daylight_saving_so_eight_oclock_is_always_midnight_utc() {
        let s = shanghai_eight();
        assert_eq!(s.due_on(date("2026-01-15")), utc("2026-01-15T00:00:00Z"));
        assert_eq!(s.due_on(date("2026-07-15")), utc("2026-07-15T00:00:00Z"));
    }

    #[test]
    fn nine_in_berlin_stays_nine_in_berlin_across_the_spring_change() {
        let s = at("09:00", chrono_tz::Europe::Berlin);
        assert_eq!(s.due_on(date("2026-03-28")), utc("2026-03-28T08:00:00Z"));
        assert_eq!(s.due_on(date("2026-03-29")), utc("2026-03-29T07:00:00Z"));
    }

    #[test]
    fn nine_in_berlin_stays_nine_in_berlin_across_the_autumn_change() {
        let s = at("09:00", chrono_tz::Europe::Berlin);
        assert_eq!(s.due_on(date("2026-10-24")), utc("2026-10-24T07:00:00Z"));
        assert_eq!(s.due_on(date("2026-10-25")), utc("2026-10-25T08:00:00Z"));
    }

    #[test]
    fn a_time_skipped_by_spring_forward_goes_at_the_end_of_the_gap() {
        let s = at("02:30", chrono_tz::Europe::Berlin);
        let due = s.due_on(date("2026-03-29"));
        assert_eq!(due, utc("2026-03-29T01:00:00Z"));
        assert_eq!(due.with_timezone(&chrono_tz::Europe::Berlin).time(), t("03:00").naive());
        assert_eq!(s.local_date(due), date("2026-03-29"));
    }

    #[test]
    fn a_time_repeated_by_fall_back_goes_once_at_its_first_occurrence() {
        let s = at("02:30", chrono_tz::Europe::Berlin);
        let day = date("2026-10-25");
        assert_eq!(s.due_on(day), utc("2026-10-25T00:30:00Z"));
        // At the second 02:30 the day's delivery is the one already owed, not a second one.
        let second = utc("2026-10-25T01:30:00Z");
        assert_eq!(s.owed(second, utc(LONG_AGO), Some(day), SIX_HOURS), None);
        assert_eq!(s.next_due(second, utc(LONG_AGO), Some(day), SIX_HOURS).0, date("2026-10-26"));
    }

    #[test]
    fn new_york_follows_its_own_daylight_saving_dates() {
        let s = at("09:00", chrono_tz::America::New_York);
        assert_eq!(s.due_on(date("2026-03-07")), utc("2026-03-07T14:00:00Z"));
        assert_eq!(s.due_on(date("2026-03-08")), utc("2026-03-08T13:00:00Z"));
        assert_eq!(s.due_on(date("2026-10-31")), utc("2026-10-31T13:00:00Z"));
        assert_eq!(s.due_on(date("2026-11-01")), utc("2026-11-01T14:00:00Z"));
    }

    #[test]
    fn in_auckland_the_morning_delivery_falls_on_the_previous_utc_day() {
        let s = at("08:00", chrono_tz::Pacific::Auckland);
        assert_eq!(s.due_on(date("2026-03-02")), utc("2026-03-01T19:00:00Z"));
        let now = utc("2026-03-01T19:30:00Z");
        assert_eq!(s.local_date(now), date("2026-03-02"));
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-03-01")), SIX_HOURS), Some(date("2026-03-02")));
    }

    #[test]
    fn in_kiritimati_fourteen_hours_ahead_the_local_date_is_tomorrow_in_utc_terms() {
        let s = at("07:00", chrono_tz::Pacific::Kiritimati);
        let now = utc("2026-06-01T16:00:00Z");
        assert_eq!(s.local_date(now), date("2026-06-02"));
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-06-01")), SIX_HOURS), None);
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-06-01")), SIX_HOURS),
            (date("2026-06-02"), utc("2026-06-01T17:00:00Z"))
        );
    }

    #[test]
    fn a_delivery_missed_by_two_hours_is_caught_up() {
        let s = shanghai_eight();
        let now = utc("2026-06-01T02:00:00Z");
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-05-31")), SIX_HOURS), Some(date("2026-06-01")));
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-05-31")), SIX_HOURS),
            (date("2026-06-01"), utc("2026-06-01T00:00:00Z"))
        );
    }

    #[test]
    fn a_delivery_missed_by_more_than_the_window_is_skipped_until_tomorrow() {
        let s = shanghai_eight();
        let now = utc("2026-06-01T07:00:00Z");
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-05-31")), SIX_HOURS), None);
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-05-31")), SIX_HOURS),
            (date("2026-06-02"), utc("2026-06-02T00:00:00Z"))
        );
        // Exactly at the window's edge it is still owed.
        assert_eq!(s.owed(utc("2026-06-01T06:00:00Z"), utc(LONG_AGO), None, SIX_HOURS), Some(date("2026-06-01")));
    }

    #[test]
    fn a_chat_that_subscribes_after_todays_time_gets_its_first_section_tomorrow() {
        let s = shanghai_eight();
        let since = utc("2026-06-01T03:00:00Z");
        let now = utc("2026-06-01T03:00:01Z");
        assert_eq!(s.owed(now, since, None, SIX_HOURS), None);
        assert_eq!(s.next_due(now, since, None, SIX_HOURS), (date("2026-06-02"), utc("2026-06-02T00:00:00Z")));
    }

    #[test]
    fn a_chat_that_subscribes_before_todays_time_gets_it_today() {
        let s = shanghai_eight();
        let since = utc("2026-05-31T23:00:00Z");
        assert_eq!(s.next_due(since, since, None, SIX_HOURS), (date("2026-06-01"), utc("2026-06-01T00:00:00Z")));
        assert_eq!(s.owed(utc("2026-06-01T00:00:00Z"), since, None, SIX_HOURS), Some(date("2026-06-01")));
    }

    #[test]
    fn nothing_is_owed_twice_on_the_same_local_date() {
        let s = shanghai_eight();
        let now = utc("2026-06-01T01:00:00Z");
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-06-01")), SIX_HOURS), None);
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-06-01")), SIX_HOURS),
            (date("2026-06-02"), utc("2026-06-02T00:00:00Z"))
        );
    }

    #[test]
    fn a_late_evening_delivery_missed_until_after_midnight_is_owed_for_yesterday() {
        let s = at("23:30", chrono_tz::Asia::Shanghai);
        let now = utc("2026-06-01T16:30:00Z"); // 00:30 on 2026-06-02 in Shanghai
        assert_eq!(s.local_date(now), date("2026-06-02"));
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-05-31")), SIX_HOURS), Some(date("2026-06-01")));
        // Once sent, the next is tonight's.
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-06-01")), SIX_HOURS),
            (date("2026-06-02"), utc("2026-06-02T15:30:00Z"))
        );
    }

    #[test]
    fn before_todays_time_the_next_delivery_is_today() {
        let s = at("09:00", chrono_tz::Europe::Berlin);
        let now = utc("2026-03-29T06:00:00Z");
        assert_eq!(s.owed(now, utc(LONG_AGO), Some(date("2026-03-28")), SIX_HOURS), None);
        assert_eq!(
            s.next_due(now, utc(LONG_AGO), Some(date("2026-03-28")), SIX_HOURS),
            (date("2026-03-29"), utc("2026-03-29T07:00:00Z"))
        );
    }

    #[test]
    fn a_last_delivery_dated_in_the_future_does_not_hold_back_the_real_dates_delivery() {
        // The clock ran ahead and was set back (or `deliver --at` had a typo): the real date's
        // section is still owed. A date already delivered is never sent twice: the store keeps one
        // delivery per chat and date.
        let s = shanghai_eight();
        let now = utc("2026-06-01T01:00:00Z");
        let (next, due) = s.next_due(now, utc(LONG_AGO), Some(date("2026-06-20")), SIX_HOURS);
        assert_eq!((next, due), (date("2026-06-01"), utc("2026-06-01T00:00:00Z")));
    }

    #[test]
    fn every_zone_gives_each_date_one_due_time_on_that_date_or_just_after_a_midnight_gap() {
        let times = ["00:00", "00:30", "02:30", "23:30"].map(t);
        let mut day = date("2026-01-04");
        let mut days = Vec::new();
        while day.year_ce().1 == 2026 {
            days.push(day);
            day += Duration::days(7);
        }
        for zone in TZ_VARIANTS {
            for time in times {
                let s = Schedule { time, zone };
                for &d in &days {
                    let due = s.due_on(d);
                    let local = s.local_date(due);
                    assert!(local == d || Some(local) == d.succ_opt(), "{s} on {d}: {due}");
                    let (next, at) = s.next_due(due, utc(LONG_AGO), Some(d), SIX_HOURS);
                    assert!(next > d && at > due && at == s.due_on(next), "{s} after {d}: {next} {at}");
                }
            }
        }
    }

    #[test]
    fn a_gap_at_midnight_sends_at_the_first_minute_that_exists() {
        // Santiago springs forward at midnight: 2026-09-06 starts at 01:00.
        let s = at("00:30", chrono_tz::America::Santiago);
        let due = s.due_on(date("2026-09-06"));
        assert_eq!(due.with_timezone(&chrono_tz::America::Santiago).time(), t("01:00").naive());
        assert_eq!(s.local_date(due), date("2026-09-06"));
    }
}
