//! Bar charts drawn the same way everywhere (J5). One layout is written
//! as SVG for the page and rasterized to PNG with an embedded font, by
//! this code alone: the image the browser makes and the one the server
//! makes are the same bytes.

use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::Language;

/// The font every chart is measured and drawn with: `DejaVu Sans` cut
/// down to Latin-1 and common punctuation (its licence is next to it).
const FONT_FILE: &[u8] = include_bytes!("../assets/chart-sans.ttf");

/// The family the SVG asks for, with look-alikes where it is not installed.
const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

fn font() -> &'static fontdue::Font {
    static FONT: OnceLock<fontdue::Font> = OnceLock::new();
    FONT.get_or_init(|| {
        // The file is part of the program and parsed by the tests: it cannot fail.
        fontdue::Font::from_bytes(FONT_FILE, fontdue::FontSettings::default()).expect("the embedded chart font parses")
    })
}

/// A colour, `0xRRGGBB`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Colour(u32);

impl Colour {
    const INK: Self = Self(0x1b_2330);
    const MUTED: Self = Self(0x5b_6575);
    const GRID: Self = Self(0xe3_e8ef);
    const AXIS: Self = Self(0x8a_94a6);
    const BAR: Self = Self(0x2f_5fb3);
    const PAPER: Self = Self(0xff_ffff);

    const fn rgb(self) -> [u8; 3] {
        let [_, r, g, b] = self.0.to_be_bytes();
        [r, g, b]
    }
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// One thing drawn, in chart units (pixels at scale 1).
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    /// A filled rectangle (bars, grid lines, axes), on whole units.
    Rect { x: i32, y: i32, width: i32, height: i32, colour: Colour },
    /// A line of text; `y` is its baseline.
    Text { x: i32, y: i32, size: u16, anchor: Anchor, colour: Colour, text: String },
}

/// A drawn chart: its size and its marks, in drawing order. Marks of one
/// bar are grouped under the bar's key so a page can find them.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    width: i32,
    height: i32,
    title: String,
    marks: Vec<(Option<String>, Mark)>,
}

/// One bar: its key (kept in the SVG), its label under the axis (one or
/// two lines) and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// What identifies the bar (`data-key` in the SVG).
    pub key: String,
    /// Its label under the axis: a line and a second, smaller detail.
    pub label: [String; 2],
    /// Its height.
    pub value: u64,
}

/// What a bar chart shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarChart {
    /// Above everything.
    pub title: String,
    /// Under the title: what the chart covers.
    pub subtitle: String,
    /// What the bars count, written above the value axis.
    pub value_axis: String,
    /// What the bars are, written under their labels.
    pub category_axis: String,
    /// The bars, left to right.
    pub bars: Vec<Bar>,
    /// How numbers are written.
    pub language: Language,
}

const WIDTH: i32 = 720;
const HEIGHT: i32 = 360;
const MARGIN: i32 = 20;
const SMALL: u16 = 11;

/// The width of `text` at `size`, in chart units: the sum of the glyphs'
/// advances, as both drawings place them.
fn text_width(text: &str, size: u16) -> f32 {
    text.chars().map(|c| font().metrics(c, f32::from(size)).advance_width).sum()
}

/// A round step for a value axis reaching `most`: 1, 2 or 5 times a power
/// of ten, at most five steps.
fn step_for(most: u64) -> u64 {
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = power.saturating_mul(factor);
            if most.div_ceil(step) <= 5 {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// `n` with its thousands grouped as `language` writes them.
pub fn grouped(n: u64, language: Language) -> String {
    let digits = n.to_string();
    let separator = match language {
        Language::Fr => '\u{202f}',
        _ => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

impl BarChart {
    /// Lays the chart out: title, value axis with its grid, one bar per
    /// value with the value above it and its label below.
    pub fn layout(&self) -> Chart {
        let text =
            |x, y, size, anchor, colour, text: &str| Mark::Text { x, y, size, anchor, colour, text: text.to_owned() };
        let mut marks: Vec<(Option<String>, Mark)> = vec![
            (None, Mark::Rect { x: 0, y: 0, width: WIDTH, height: HEIGHT, colour: Colour::PAPER }),
            (None, text(MARGIN, 30, 17, Anchor::Start, Colour::INK, &self.title)),
            (None, text(MARGIN, 50, SMALL, Anchor::Start, Colour::MUTED, &self.subtitle)),
        ];
        let most = self.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
        let step = step_for(most);
        let steps = most.div_ceil(step);
        let ticks: Vec<(u64, String)> = (0..=steps).map(|i| (i * step, grouped(i * step, self.language))).collect();
        let tick_width = ticks.iter().map(|(_, t)| text_width(t, SMALL)).fold(0.0, f32::max);
        let left = MARGIN + round(tick_width) + 8;
        let (top, bottom, right) = (92, HEIGHT - 62, WIDTH - MARGIN);
        let plot_height = bottom - top;
        marks.push((None, text(left, top - 16, SMALL, Anchor::Start, Colour::MUTED, &self.value_axis)));
        let scaled = |value: u64| {
            // Whole pixels: both drawings put edges at the same place.
            let share = u128::from(value) * u128::from(plot_height.unsigned_abs()) * 2 / u128::from(steps * step);
            i32::try_from(share.div_ceil(2)).unwrap_or(plot_height)
        };
        for (value, label) in &ticks {
            let y = bottom - scaled(*value);
            let colour = if *value == 0 { Colour::AXIS } else { Colour::GRID };
            marks.push((None, Mark::Rect { x: left, y, width: right - left, height: 1, colour }));
            marks.push((None, text(left - 6, y + 4, SMALL, Anchor::End, Colour::MUTED, label)));
        }
        let count = i32::try_from(self.bars.len().max(1)).unwrap_or(1);
        let slot = (right - left) / count;
        let bar_width = slot * 3 / 5;
        for (i, bar) in (0..).zip(&self.bars) {
            let key = Some(bar.key.clone());
            let centre = left + i * slot + slot / 2;
            let height = scaled(bar.value);
            let y = bottom - height;
            let x = centre - bar_width / 2;
            marks.push((key.clone(), Mark::Rect { x, y, width: bar_width, height, colour: Colour::BAR }));
            let value = grouped(bar.value, self.language);
            marks.push((key.clone(), text(centre, y - 5, SMALL, Anchor::Middle, Colour::INK, &value)));
            for (line, label) in (0..).zip(&bar.label) {
                marks.push((
                    key.clone(),
                    text(centre, bottom + 16 + 14 * line, SMALL, Anchor::Middle, Colour::MUTED, label),
                ));
            }
        }
        marks.push((
            None,
            text(i32::midpoint(left, right), HEIGHT - 10, SMALL, Anchor::Middle, Colour::MUTED, &self.category_axis),
        ));
        Chart { width: WIDTH, height: HEIGHT, title: self.title.clone(), marks }
    }
}

fn round(x: f32) -> i32 {
    // Chart coordinates are a few thousand at most.
    #[allow(clippy::cast_possible_truncation)]
    let whole = x.round() as i32;
    whole
}

/// Where a text of `width` starts when anchored at `x`.
fn start_of(x: i32, width: f32, anchor: Anchor) -> f32 {
    #[allow(clippy::cast_precision_loss)]
    let x = x as f32;
    match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Chart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        let (w, h) = (self.width, self.height);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" font-family=\"{FONT_FAMILY}\"><title>{}</title>",
            escape(&self.title)
        );
        let mut group: Option<&str> = None;
        for (key, mark) in &self.marks {
            if group != key.as_deref() {
                if group.is_some() {
                    out.push_str("</g>");
                }
                if let Some(k) = key {
                    let _ = write!(out, "<g data-key=\"{}\">", escape(k));
                }
                group = key.as_deref();
            }
            match mark {
                Mark::Rect { x, y, width, height, colour } => {
                    let _ = write!(
                        out,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" fill=\"#{:06x}\"/>",
                        colour.0
                    );
                }
                Mark::Text { x, y, size, anchor, colour, text } => {
                    let anchor = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let _ = write!(
                        out,
                        "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"#{:06x}\">{}</text>",
                        colour.0,
                        escape(text)
                    );
                }
            }
        }
        if group.is_some() {
            out.push_str("</g>");
        }
        out.push_str("</svg>\n");
        out
    }

    /// The chart as a PNG image, `scale` pixels per chart unit (1 to 4).
    pub fn png(&self, scale: u32) -> Vec<u8> {
        let scale = i32::try_from(scale.clamp(1, 4)).unwrap_or(1);
        let mut canvas = Canvas::new(self.width * scale, self.height * scale);
        for (_, mark) in &self.marks {
            match mark {
                Mark::Rect { x, y, width, height, colour } => {
                    canvas.fill(x * scale, y * scale, width * scale, height * scale, *colour);
                }
                Mark::Text { x, y, size, anchor, colour, text } => {
                    #[allow(clippy::cast_precision_loss)]
                    let factor = scale as f32;
                    let start = start_of(*x, text_width(text, *size), *anchor) * factor;
                    canvas.text(text, start, y * scale, f32::from(*size) * factor, *colour);
                }
            }
        }
        crate::png::encode(
            canvas.width.unsigned_abs(),
            canvas.height.unsigned_abs(),
            crate::png::Pixels::Rgb,
            &canvas.pixels,
        )
    }
}

/// An RGB picture being drawn.
struct Canvas {
    width: i32,
    height: i32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: i32, height: i32) -> Self {
        let size = usize::try_from(width * height * 3).unwrap_or(0);
        Self { width, height, pixels: vec![255; size] }
    }

    /// Paints `colour` over the pixel at (`x`, `y`) with `coverage` (0–255).
    fn blend(&mut self, x: i32, y: i32, colour: Colour, coverage: u8) {
        if x < 0 || y < 0 || x >= self.width || y >= self.height || coverage == 0 {
            return;
        }
        let at = usize::try_from((y * self.width + x) * 3).unwrap_or(0);
        let a = u32::from(coverage);
        for (pixel, ink) in self.pixels[at..at + 3].iter_mut().zip(colour.rgb()) {
            let mixed = (u32::from(*pixel) * (255 - a) + u32::from(ink) * a + 127) / 255;
            *pixel = u8::try_from(mixed).unwrap_or(u8::MAX);
        }
    }

    fn fill(&mut self, x: i32, y: i32, width: i32, height: i32, colour: Colour) {
        for py in y.max(0)..(y + height).min(self.height) {
            for px in x.max(0)..(x + width).min(self.width) {
                self.blend(px, py, colour, 255);
            }
        }
    }

    /// Draws `text` from `start` on the baseline `baseline`, `px` high.
    fn text(&mut self, text: &str, start: f32, baseline: i32, px: f32, colour: Colour) {
        let mut pen = start;
        for c in text.chars() {
            let (metrics, coverage) = font().rasterize(c, px);
            let left = round(pen) + metrics.xmin;
            let top = baseline - metrics.ymin - i32::try_from(metrics.height).unwrap_or(0);
            for (row, line) in (0..).zip(coverage.chunks(metrics.width.max(1))) {
                for (column, &value) in (0..).zip(line) {
                    self.blend(left + column, top + row, colour, value);
                }
            }
            pen += metrics.advance_width;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[u64], language: Language) -> BarChart {
        BarChart {
            title: "Utilisateurs actifs mensuels (MAU)".into(),
            subtitle: "12 derniers mois, fuseau horaire Europe/Paris".into(),
            value_axis: "Utilisateurs".into(),
            category_axis: "Mois".into(),
            bars: (1..)
                .zip(values)
                .map(|(i, &value)| Bar { key: format!("2026-{i:02}"), label: [format!("m{i}"), "2026".into()], value })
                .collect(),
            language,
        }
    }

    fn rects(chart: &Chart, key: &str) -> Vec<(i32, i32, i32, i32)> {
        chart
            .marks
            .iter()
            .filter(|(k, _)| k.as_deref() == Some(key))
            .filter_map(|(_, m)| match m {
                Mark::Rect { x, y, width, height, .. } => Some((*x, *y, *width, *height)),
                Mark::Text { .. } => None,
            })
            .collect()
    }

    #[test]
    fn value_axes_take_round_steps() {
        assert_eq!(step_for(1), 1);
        assert_eq!(step_for(5), 1);
        assert_eq!(step_for(7), 2);
        assert_eq!(step_for(11), 5);
        assert_eq!(step_for(100_000), 20_000);
        assert_eq!(step_for(100_001), 50_000);
        assert!(u64::MAX.div_ceil(step_for(u64::MAX)) <= 5);
    }

    #[test]
    fn thousands_are_grouped_as_each_language_writes_them() {
        assert_eq!(grouped(0, Language::Fr), "0");
        assert_eq!(grouped(999, Language::En), "999");
        assert_eq!(grouped(1_234_567, Language::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(grouped(100_000, Language::En), "100,000");
    }

    #[test]
    fn bars_are_as_tall_as_their_values_and_carry_them() {
        let chart = sample(&[0, 50, 100, 25], Language::En).layout();
        let tallest = rects(&chart, "2026-03")[0];
        let half = rects(&chart, "2026-02")[0];
        let quarter = rects(&chart, "2026-04")[0];
        assert_eq!(rects(&chart, "2026-01")[0].3, 0);
        assert_eq!(half.3 * 2, tallest.3);
        assert!((quarter.3 - tallest.3 / 4).abs() <= 1, "rounded to whole pixels");
        assert_eq!(half.1 + half.3, tallest.1 + tallest.3, "one baseline");
        let texts: Vec<&str> = chart
            .marks
            .iter()
            .filter(|(k, _)| k.as_deref() == Some("2026-02"))
            .filter_map(|(_, m)| if let Mark::Text { text, .. } = m { Some(text.as_str()) } else { None })
            .collect();
        assert_eq!(texts, ["50", "m2", "2026"]);
        let svg = chart.svg();
        assert_eq!(svg.matches("<g data-key=").count(), 4);
        assert!(svg.contains("<title>Utilisateurs actifs mensuels (MAU)</title>"));
        assert!(svg.contains(">100</text>"), "the top tick");
    }

    #[test]
    fn texts_are_escaped_in_svg() {
        let mut chart = sample(&[1], Language::En);
        chart.title = "<b>&\"".into();
        assert!(chart.layout().svg().contains("<title>&lt;b&gt;&amp;&quot;</title>"));
    }

    #[test]
    fn the_png_draws_the_layout_at_its_scale() {
        let chart = sample(&[3, 9, 6], Language::Fr).layout();
        let (width, height, pixels) = crate::png::decode(&chart.png(2));
        assert_eq!((width, height), (1_440, 720));
        let at = |x: i32, y: i32| {
            let i = usize::try_from((y * 1_440 + x) * 3).unwrap();
            [pixels[i], pixels[i + 1], pixels[i + 2]]
        };
        assert_eq!(at(0, 0), Colour::PAPER.rgb());
        let (x, y, w, h) = rects(&chart, "2026-02")[0];
        assert_eq!(at((x + w / 2) * 2, (y + h / 2) * 2), Colour::BAR.rgb(), "inside the tallest bar");
        // The title is drawn: ink in its band, none above it.
        let ink = |rows: std::ops::Range<i32>| {
            rows.flat_map(|y| (0..1_440).map(move |x| (x, y))).filter(|&(x, y)| at(x, y) != Colour::PAPER.rgb()).count()
        };
        assert!(ink(36..62) > 500, "the title's glyphs");
        assert_eq!(ink(0..20), 0);
        assert_eq!(chart.png(2), chart.png(2), "the same bytes every time");
    }

    #[test]
    fn the_font_has_every_character_the_charts_write() {
        let font = font();
        let texts =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.()/_-éèêëàâäîïôöûüùçÉÈÀÇœŒ’…\u{202f}";
        for c in texts.chars() {
            assert_ne!(font.lookup_glyph_index(c), 0, "{c:?}");
        }
    }
}
