use std::io::Cursor;
use std::time::Instant;

use digestbot_core::attachment::{Chart, Series};

use super::*;

struct Decoded {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().unwrap();
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut rgb).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    rgb.truncate(frame.buffer_size());
    Decoded { width: frame.width, height: frame.height, rgb }
}

fn pixels_of(image: &Decoded, (r, g, b): (u8, u8, u8)) -> usize {
    image.rgb.chunks_exact(3).filter(|pixel| pixel == &[r, g, b]).count()
}

fn years(first: u32, count: u32) -> Vec<String> {
    (first..first + count).map(|year| year.to_string()).collect()
}

fn months(first_year: u32, count: u32) -> Vec<String> {
    (0..count).map(|k| format!("{}-{:02}", first_year + k / 12, k % 12 + 1)).collect()
}

fn chart(terms: &[&str], periods: Vec<String>) -> Chart {
    let series = terms
        .iter()
        .enumerate()
        .map(|(k, term)| Series {
            term: (*term).to_owned(),
            counts: (0..periods.len() as u64).map(|i| (i * 7 + k as u64 * 13) % 40 + k as u64 * 5).collect(),
        })
        .collect();
    Chart { periods, series }
}

/// Renders and checks what every chart must be: a 1200×675 PNG with exactly the first `n`
/// series colours in it.
fn render_with_series(chart: &Chart) -> Decoded {
    let image = decode(&chart_png(chart).unwrap());
    assert_eq!((image.width, image.height), (PNG_WIDTH, PNG_HEIGHT));
    assert_eq!((image.width, image.height), (1200, 675));
    for (i, &colour) in SERIES_COLOURS.iter().enumerate() {
        let count = pixels_of(&image, colour);
        if i < chart.series.len() {
            assert!(count > 100, "series {i} has only {count} pixels of its colour");
        } else {
            assert_eq!(count, 0, "series {i} is absent but its colour is drawn");
        }
    }
    image
}

#[test]
fn a_chart_of_one_term_draws_one_series_and_no_other() {
    render_with_series(&chart(&["GDP"], years(1990, 30)));
}

#[test]
fn a_chart_of_two_terms_draws_two_series_and_no_third() {
    render_with_series(&chart(&["GDP", "改革"], years(1990, 30)));
}

#[test]
fn a_chart_of_three_terms_draws_all_three_series() {
    render_with_series(&chart(&["人民", "发展", "reform"], months(2019, 36)));
}

#[test]
fn a_chart_of_no_terms_draws_only_the_axes() {
    let image = render_with_series(&chart(&[], years(2000, 10)));
    assert!(image.rgb.iter().any(|&channel| channel < 200), "no axes drawn");
}

#[test]
fn a_chart_of_four_terms_is_refused() {
    let error = chart_png(&chart(&["a", "b", "c", "d"], years(2000, 5))).unwrap_err();
    assert!(matches!(error, ExportError::TooManySeries { got: 4, max: 3 }));
}

#[test]
fn the_series_colours_are_saturated_distinct_and_not_grey() {
    for (i, &(r, g, b)) in SERIES_COLOURS.iter().enumerate() {
        let (high, low) = (r.max(g).max(b), r.min(g).min(b));
        assert!(high - low >= 150, "colour {i} is not saturated");
        for &other in &SERIES_COLOURS[i + 1..] {
            assert_ne!((r, g, b), other);
        }
    }
}

#[test]
fn seventy_years_render_with_labels_that_never_touch() {
    let periods = years(1955, 70);
    render_with_series(&chart(&["GDP", "人民", "改革"], periods.clone()));

    let font = font().unwrap();
    let slot = plot_slot(periods.len());
    let labelled = x_labelled(&periods, font, slot);
    assert!(labelled.len() >= 5, "too few labels: {labelled:?}");
    let widest = periods.iter().map(|period| text_width(period, font, LABEL_SIZE)).fold(0.0, f64::max);
    for pair in labelled.windows(2) {
        assert!((pair[1] - pair[0]) as f64 * slot >= widest + LABEL_GAP);
    }
    // Round years: 1955, 1960… or 1960, 1970…
    assert!(labelled.iter().all(|&i| periods[i].ends_with(['0', '5'])));
}

#[test]
fn thirty_six_months_are_labelled_at_round_months_without_touching() {
    let periods = months(2019, 36);
    render_with_series(&chart(&["GDP"], periods.clone()));

    let font = font().unwrap();
    let slot = plot_slot(periods.len());
    let labelled = x_labelled(&periods, font, slot);
    assert!(labelled.len() >= 4, "too few labels: {labelled:?}");
    let widest = text_width("2019-12", font, LABEL_SIZE);
    for pair in labelled.windows(2) {
        assert!((pair[1] - pair[0]) as f64 * slot >= widest + LABEL_GAP);
    }
    assert_eq!(periods[labelled[0]], "2019-01");
    let quarters = ["-01", "-04", "-07", "-10"];
    assert!(labelled.iter().all(|&i| quarters.iter().any(|q| periods[i].ends_with(q))));
}

fn plot_slot(slots: usize) -> f64 {
    f64::from(PNG_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - Y_LABEL_AREA) / slots as f64
}

#[test]
fn a_chart_of_one_period_renders() {
    render_with_series(&chart(&["GDP", "改革"], years(2024, 1)));
}

#[test]
fn a_chart_of_all_zero_counts_renders() {
    let mut zeros = chart(&["GDP", "人民"], years(2000, 12));
    for series in &mut zeros.series {
        series.counts.fill(0);
    }
    render_with_series(&zeros);
    assert_eq!(y_axis(&zeros), (1, 1));
}

#[test]
fn a_chart_without_periods_renders() {
    let empty = Chart { periods: vec![], series: vec![Series { term: "GDP".into(), counts: vec![] }] };
    let image = decode(&chart_png(&empty).unwrap());
    assert_eq!((image.width, image.height), (PNG_WIDTH, PNG_HEIGHT));
}

#[test]
fn a_term_in_chinese_gets_a_numbered_legend() {
    assert_eq!(legend_label(1, "改革开放"), "1");
    assert_eq!(legend_label(2, "GDP增长"), "2");
    assert_eq!(legend_label(3, "  "), "3");
}

#[test]
fn a_term_the_font_can_draw_is_named_after_its_number() {
    assert_eq!(legend_label(1, "GDP"), "1 GDP");
    assert_eq!(legend_label(2, " Россия "), "2 Россия");
    assert_eq!(legend_label(3, "Ελλάδα"), "3 Ελλάδα");
    let long = legend_label(1, &"x".repeat(100));
    assert_eq!(long.chars().count(), 2 + MAX_LEGEND_CHARS);
    assert!(long.ends_with('…'));
}

#[test]
fn the_y_axis_ends_on_a_round_tick_above_the_highest_count() {
    let with_highest = |highest: u64| Chart {
        periods: years(2000, 2),
        series: vec![Series { term: "a".into(), counts: vec![0, highest] }],
    };
    assert_eq!(y_axis(&with_highest(7)), (8, 1));
    assert_eq!(y_axis(&with_highest(8)), (10, 2));
    assert_eq!(y_axis(&with_highest(15)), (16, 2));
    assert_eq!(y_axis(&with_highest(1234)), (1400, 200));
    assert!(y_axis(&with_highest(u64::MAX)).1 > 0);
}

#[test]
fn label_steps_are_round_years_or_months() {
    assert_eq!(round_step(1, false), 1);
    assert_eq!(round_step(3, false), 5);
    assert_eq!(round_step(11, false), 20);
    assert_eq!(round_step(30, false), 50);
    assert_eq!(round_step(60, false), 100);
    assert_eq!(round_step(4, true), 6);
    assert_eq!(round_step(7, true), 12);
    assert_eq!(round_step(13, true), 24);
}

#[test]
fn a_chart_renders_quickly() {
    let big = chart(&["GDP", "人民", "改革"], years(1955, 70));
    chart_png(&big).unwrap();
    let started = Instant::now();
    let runs = 10;
    for _ in 0..runs {
        chart_png(&big).unwrap();
    }
    println!("chart_png, 70 years × 3 series: {:?} per chart", started.elapsed() / runs);
}

#[test]
fn legend_entries_are_cut_only_when_they_do_not_fit_together() {
    let font = font().unwrap();
    let labels =
        |terms: &[&str]| -> Vec<String> { terms.iter().enumerate().map(|(i, t)| legend_label(i + 1, t)).collect() };
    let width = 1000;
    let short = labels(&["GDP", "改革", "inflation"]);
    let rooms = legend_rooms(&short, font, width);
    for (label, room) in short.iter().zip(&rooms) {
        assert_eq!(fit_width(label, font, *room), *label);
    }

    let long = "a rather long term that keeps going and going";
    let mixed = labels(&["GDP", long, "改革"]);
    let rooms = legend_rooms(&mixed, font, width);
    let equal_share = f64::from(width) / 3.0;
    assert!(rooms[1] > equal_share, "the long entry gets what the short ones leave");
    assert_eq!(fit_width(&mixed[0], font, rooms[0]), "1 GDP");
    assert_eq!(fit_width(&mixed[2], font, rooms[2]), "3");
    let cut = fit_width(&mixed[1], font, rooms[1]);
    assert!(cut.ends_with('…') && cut.starts_with("2 a rather"), "{cut}");
    let total: f64 = rooms.iter().sum::<f64>() + 3.0 * f64::from(LEGEND_SAMPLE + LEGEND_TEXT_OFFSET + LEGEND_GAP);
    assert!(total <= f64::from(width));
}

#[test]
fn time_runs_evenly_and_years_without_digests_are_gaps_on_the_axis() {
    let periods: Vec<String> = ["1959", "1960", "1964", "1975"].iter().map(|p| p.to_string()).collect();
    let (axis, at) = timeline(&periods);
    assert_eq!(axis.first().map(String::as_str), Some("1959"));
    assert_eq!(axis.len(), 17);
    assert_eq!(at, [0, 1, 5, 16]);
    let (axis, at) = timeline(&["2023-11".to_string(), "2024-02".to_string()]);
    assert_eq!(axis, ["2023-11", "2023-12", "2024-01", "2024-02"]);
    assert_eq!(at, [0, 3]);
    // Anything else stands as it is, one after another.
    assert_eq!(timeline(&["b".to_string(), "a".to_string()]).1, [0, 1]);
    render_with_series(&chart(&["gap"], periods));
}
