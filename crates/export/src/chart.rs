use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};
use digestbot_core::attachment::Chart;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::ExportError;

pub const PNG_WIDTH: u32 = 1200;
pub const PNG_HEIGHT: u32 = 675;

/// One colour per series, in the order of [`Chart::series`]. Each has a zero channel, which no grey
/// of the axes, grid or text has, and no blend of one of them with white or grey reaches another,
/// so a series' pixels can be counted by its exact colour. From the Okabe–Ito palette, which stays
/// apart for the colour-blind.
///
/// [`Chart::series`]: digestbot_core::attachment::Chart::series
pub const SERIES_COLOURS: [(u8, u8, u8); 3] = [(0, 114, 178), (213, 94, 0), (0, 158, 115)];

/// DejaVu Sans, embedded so a chart needs no system font; it has Latin, Greek and Cyrillic but no
/// Chinese, hence the numbered legend.
static FONT_FILE: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// The family plotters' text styles ask for by default, so every label finds the embedded font.
const FAMILY: &str = "sans-serif";

const LABEL_SIZE: f64 = 17.0;
const LEGEND_SIZE: f64 = 19.0;
const LEGEND_HEIGHT: u32 = 52;
const LEGEND_SAMPLE: i32 = 34;
const LEGEND_GAP: i32 = 36;
const LEGEND_TEXT_OFFSET: i32 = 10;
const MARGIN_LEFT: u32 = 16;
const MARGIN_RIGHT: u32 = 48;
const Y_LABEL_AREA: u32 = 76;
const X_LABEL_AREA: u32 = 44;
/// Space kept free between two period labels.
const LABEL_GAP: f64 = 18.0;
const MAX_Y_TICKS: u64 = 8;
const MAX_LEGEND_CHARS: usize = 40;
const LINE_WIDTH: u32 = 3;
const MARKER_RADIUS: u32 = 4;

const TEXT: RGBColor = RGBColor(40, 40, 40);
const AXIS: RGBColor = RGBColor(110, 110, 110);
const GRID: RGBColor = RGBColor(225, 225, 225);

/// The font for measuring and for plotters, registered once per process.
fn font() -> Result<&'static FontRef<'static>, ExportError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| {
        let font = FontRef::try_from_slice(FONT_FILE).ok()?;
        register_font(FAMILY, FontStyle::Normal, FONT_FILE).ok()?;
        Some(font)
    })
    .as_ref()
    .ok_or(ExportError::Font)
}

/// The chart as a [`PNG_WIDTH`] × [`PNG_HEIGHT`] PNG: one line per term with a marker at each
/// period, counts from zero, and a legend above the plot (numbered, so a caption can name terms
/// the font cannot draw).
pub fn chart_png(chart: &Chart) -> Result<Vec<u8>, ExportError> {
    if chart.series.len() > SERIES_COLOURS.len() {
        return Err(ExportError::TooManySeries { got: chart.series.len(), max: SERIES_COLOURS.len() });
    }
    let font = font()?;
    let mut pixels = vec![0u8; PNG_WIDTH as usize * PNG_HEIGHT as usize * 3];
    draw(chart, font, &mut pixels)?;
    encode(&pixels)
}

fn draw(chart: &Chart, font: &FontRef<'static>, pixels: &mut [u8]) -> Result<(), ExportError> {
    let root = BitMapBackend::with_buffer(pixels, (PNG_WIDTH, PNG_HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(drawing)?;
    let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);

    let (axis, at) = timeline(&chart.periods);
    let slots = axis.len().max(1);
    let (top, step) = y_axis(chart);
    let y_ticks: Vec<u64> = (0..=top / step).map(|k| k * step).collect();
    let slot_width = f64::from(PNG_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - Y_LABEL_AREA) / slots as f64;
    let x_ticks: Vec<i64> = x_labelled(&axis, font, slot_width).into_iter().map(x_of).collect();

    let mut context = ChartBuilder::on(&plot)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_top(8)
        .margin_bottom(12)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d((0..x_of(slots) - 1).with_key_points(x_ticks), (0..top).with_key_points(y_ticks))
        .map_err(drawing)?;

    let label_style = (FAMILY, LABEL_SIZE).into_font().color(&TEXT);
    let x_label = |x: &i64| usize::try_from(x / 2).ok().and_then(|index| axis.get(index).cloned()).unwrap_or_default();
    let y_label = |y: &u64| y.to_string();
    context
        .configure_mesh()
        .axis_style(AXIS.stroke_width(1))
        .bold_line_style(GRID.stroke_width(1))
        .label_style(label_style)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()
        .map_err(drawing)?;

    for (number, series) in chart.series.iter().enumerate() {
        let colour = colour(number);
        let points: Vec<(i64, u64)> =
            series.counts.iter().zip(&at).map(|(&count, &slot)| (x_of(slot), count)).collect();
        // A line joins only periods next to each other in time: across a gap there were no
        // digests to count, and a line would draw counts nobody made.
        let mut start = 0;
        for end in 1..=points.len() {
            if end == points.len() || at[end] != at[end - 1] + 1 {
                let run = points[start..end].iter().copied();
                context.draw_series(LineSeries::new(run, colour.stroke_width(LINE_WIDTH))).map_err(drawing)?;
                start = end;
            }
        }
        context
            .draw_series(points.iter().map(|&point| Circle::new(point, MARKER_RADIUS, colour.filled())))
            .map_err(drawing)?;
    }

    draw_legend(&legend, chart, font)?;
    root.present().map_err(drawing)
}

/// The legend sits above the plot, where it never hides a line; each entry is cut to its share of
/// the width so three long terms still fit.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
    font: &FontRef<'static>,
) -> Result<(), ExportError>
where
    DB::ErrorType: 'static,
{
    let labels: Vec<String> = (1..=chart.series.len())
        .zip(&chart.series)
        .map(|(number, series)| legend_label(number, &series.term))
        .collect();
    let left = (MARGIN_LEFT + Y_LABEL_AREA) as i32;
    let rooms = legend_rooms(&labels, font, PNG_WIDTH as i32 - left - MARGIN_RIGHT as i32);
    let y = (LEGEND_HEIGHT / 2) as i32 + 4;
    let style = (FAMILY, LEGEND_SIZE).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = left;
    for (number, (label, room)) in labels.iter().zip(rooms).enumerate() {
        let colour = colour(number);
        let label = fit_width(label, font, room);
        area.draw(&PathElement::new(vec![(x, y), (x + LEGEND_SAMPLE, y)], colour.stroke_width(LINE_WIDTH)))
            .map_err(drawing)?;
        area.draw(&Circle::new((x + LEGEND_SAMPLE / 2, y), MARKER_RADIUS, colour.filled())).map_err(drawing)?;
        let text_x = x + LEGEND_SAMPLE + LEGEND_TEXT_OFFSET;
        area.draw(&Text::new(label.as_str(), (text_x, y), &style)).map_err(drawing)?;
        x = text_x + text_width(&label, font, LEGEND_SIZE).ceil() as i32 + LEGEND_GAP;
    }
    Ok(())
}

/// How wide each legend text may be: as wide as it is while all fit in `width`, else short ones
/// keep theirs and the long ones share what is left.
fn legend_rooms(labels: &[String], font: &FontRef<'static>, width: i32) -> Vec<f64> {
    let per_entry = f64::from(LEGEND_SAMPLE + LEGEND_TEXT_OFFSET + LEGEND_GAP);
    let mut left = f64::from(width) - per_entry * labels.len() as f64;
    let widths: Vec<f64> = labels.iter().map(|label| text_width(label, font, LEGEND_SIZE)).collect();
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| widths[a].total_cmp(&widths[b]));
    let mut rooms = vec![0.0; labels.len()];
    for (done, &index) in order.iter().enumerate() {
        let share = left / (labels.len() - done) as f64;
        rooms[index] = widths[index].min(share).max(0.0);
        left -= rooms[index];
    }
    rooms
}

/// The legend entry for series `number` (from 1): the number, then the term where the embedded
/// font has a glyph for every character of it. Without the glyphs the term would show as boxes;
/// the number alone points to the caption, which names the terms in the chat's own fonts.
pub(crate) fn legend_label(number: usize, term: &str) -> String {
    let term = term.trim();
    let drawable = !term.is_empty() && font().is_ok_and(|font| term.chars().all(|c| font.glyph_id(c).0 != 0));
    if !drawable {
        return number.to_string();
    }
    let mut label = format!("{number} ");
    if term.chars().count() > MAX_LEGEND_CHARS {
        label.extend(term.chars().take(MAX_LEGEND_CHARS - 1));
        label.push('…');
    } else {
        label.push_str(term);
    }
    label
}

/// The label, cut with "…" until it fits `room` pixels.
fn fit_width(label: &str, font: &FontRef<'static>, room: f64) -> String {
    if text_width(label, font, LEGEND_SIZE) <= room {
        return label.to_owned();
    }
    let mut chars: Vec<char> = label.chars().collect();
    while chars.len() > 1 {
        chars.pop();
        let cut: String = chars.iter().chain(['…'].iter()).collect();
        if text_width(&cut, font, LEGEND_SIZE) <= room {
            return cut;
        }
    }
    chars.into_iter().collect()
}

/// Width in pixels as plotters' ab_glyph backend lays text out (the advance at `size` px).
fn text_width(text: &str, font: &FontRef<'static>, size: f64) -> f64 {
    let scaled = font.as_scaled(size as f32);
    text.chars().map(|c| f64::from(scaled.h_advance(scaled.glyph_id(c)))).sum()
}

/// The periods that get a label: evenly spaced at a round step (every 5 or 10 years, every
/// quarter or January), wide enough that no two labels touch.
fn x_labelled(periods: &[String], font: &FontRef<'static>, slot_width: f64) -> Vec<usize> {
    let widest = periods.iter().map(|period| text_width(period, font, LABEL_SIZE)).fold(0.0, f64::max);
    let needed = ((widest + LABEL_GAP) / slot_width).ceil().max(1.0) as u64;
    let ordinals: Option<Vec<i64>> = periods.iter().map(|period| ordinal(period)).collect();
    let months = periods.first().is_some_and(|period| period.len() == 7);
    let step = round_step(needed, months);
    (0..periods.len())
        .filter(|&index| match &ordinals {
            Some(ordinals) => ordinals[index].rem_euclid(step as i64) == 0,
            None => (index as u64).is_multiple_of(step),
        })
        .collect()
}

/// The x axis and where each period stands on it: every year (or month) from the first period to
/// the last, those without digests too, so that time runs evenly (1960 to 1964 is four years,
/// not one step). Periods that are not years or months stand one after another.
fn timeline(periods: &[String]) -> (Vec<String>, Vec<usize>) {
    let ordinals: Option<Vec<i64>> = periods.iter().map(|period| ordinal(period)).collect();
    let months = periods.first().is_some_and(|period| period.len() == 7);
    if let Some(ordinals) = ordinals
        && let (Some(&first), Some(&last)) = (ordinals.first(), ordinals.last())
        // In order, and a span a chart can draw (a bad date is not ten thousand slots).
        && ordinals.windows(2).all(|pair| pair[0] < pair[1])
        && last - first < 2_000
    {
        let name =
            |o: i64| if months { format!("{}-{:02}", o.div_euclid(12), o.rem_euclid(12) + 1) } else { o.to_string() };
        let axis = (first..=last).map(name).collect();
        let at = ordinals.iter().map(|&o| usize::try_from(o - first).unwrap_or(0)).collect();
        return (axis, at);
    }
    (periods.to_vec(), (0..periods.len()).collect())
}

/// `2019` as 2019 and `2019-03` as a month count, so a step lands on round years and months.
fn ordinal(period: &str) -> Option<i64> {
    match period.split_once('-') {
        None => period.parse().ok(),
        Some((year, month)) => {
            let year: i64 = year.parse().ok()?;
            let month: i64 = month.parse().ok()?;
            (1..=12).contains(&month).then_some(year * 12 + month - 1)
        }
    }
}

/// The smallest round step at least `needed`: 1, 2, 5, 10, 20, 25, 50… years, or 1, 2, 3, 6 and
/// then whole years of months.
fn round_step(needed: u64, months: bool) -> u64 {
    const YEARS: [u64; 7] = [1, 2, 5, 10, 20, 25, 50];
    const MONTHS: [u64; 4] = [1, 2, 3, 6];
    if months {
        if let Some(&step) = MONTHS.iter().find(|&&step| step >= needed) {
            return step;
        }
        return 12 * round_step(needed.div_ceil(12), false);
    }
    let mut scale = 1u64;
    loop {
        if let Some(&step) = YEARS.iter().find(|&&step| step * scale >= needed) {
            return step * scale;
        }
        scale = scale.saturating_mul(100);
    }
}

/// The top of the y axis and its tick step: the top is a round tick above the highest count, so
/// the highest marker shows whole; steps are 1, 2 or 5 times a power of ten, at most
/// [`MAX_Y_TICKS`] of them below the top.
fn y_axis(chart: &Chart) -> (u64, u64) {
    let highest = chart
        .series
        .iter()
        .flat_map(|series| series.counts.iter().take(chart.periods.len()))
        .copied()
        .max()
        .unwrap_or(0);
    let mut power = 1u64;
    loop {
        for step in [power, power.saturating_mul(2), power.saturating_mul(5)] {
            if highest / step < MAX_Y_TICKS {
                return ((highest / step + 1).saturating_mul(step), step);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Each period is a slot two units wide with its point in the middle, so the first and last
/// points keep half a slot from the plot's edges (plotters' integer axes format labels, its float
/// axes with custom ticks do not).
fn x_of(index: usize) -> i64 {
    i64::try_from(index).map_or(i64::MAX, |index| index.saturating_mul(2).saturating_add(1))
}

fn colour(number: usize) -> RGBColor {
    let (r, g, b) = SERIES_COLOURS[number];
    RGBColor(r, g, b)
}

fn drawing(error: impl std::fmt::Display) -> ExportError {
    ExportError::Drawing(error.to_string())
}

fn encode(pixels: &[u8]) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, PNG_WIDTH, PNG_HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Mostly white with flat lines: the fast deflate is near the best size at a fraction of the
    // time.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;
