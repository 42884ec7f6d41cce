//! The card's design: a [`Card`] laid out on a face of `w × h` millimetres as positioned
//! primitives ([`Prim`]), which the PDF and SVG drawers then draw without deciding anything.
//!
//! Coordinates are millimetres from the face's top-left corner, `y` downwards; text is placed by
//! its baseline and sized in points. Text is measured with the fonts' advance widths (the same
//! measure the PDF engine uses), so a line that fits here fits on paper.
//!
//! A text line's box runs from [`ASCENT`] above its baseline to [`DESCENT`] below (the vendored
//! Atkinson faces' tallest accented capital and deepest descender); lines are stacked so boxes
//! never overlap, and the tests check every face's boxes pairwise.

use super::qr;
use super::Card;
use crate::card_stock::Stock;
use std::cell::RefCell;
use std::collections::HashMap;

use crate::pdf::fonts::{clean, Fonts};

/// Millimetres per point.
pub(crate) const PT: f32 = 25.4 / 72.0;
/// Text and pictures stay this far inside the card's edges.
pub(crate) const MARGIN: f32 = 3.5;
/// The smallest text size on a card, in points.
pub(crate) const MIN_SIZE: f32 = 6.0;
/// The logo's box (aspect ratio kept inside it) and the header's height.
pub(crate) const LOGO_W: f32 = 24.0;
pub(crate) const HEADER_H: f32 = 9.0;
/// A line's box above and below its baseline, as a fraction of the text size.
pub(crate) const ASCENT: f32 = 0.92;
pub(crate) const DESCENT: f32 = 0.26;
/// Baseline to baseline in wrapped text, as a fraction of the size (at least ASCENT + DESCENT).
const LEADING: f32 = 1.2;
/// Sizes are tried from large to small in these steps (points).
const STEP: f32 = 0.25;
const BAND_GAP: f32 = 1.5;
const BAND_H: f32 = 8.5;
/// Passport photo proportions (35 × 45 mm).
const PHOTO_RATIO: f32 = 35.0 / 45.0;
/// The QR code's box (quiet zone included) and its distance from the top and right edges.
pub(crate) const QR_BOX: f32 = 22.0;
pub(crate) const QR_EDGE: f32 = 2.0;
/// Space between blocks of text.
const GAP: f32 = 0.8;

/// What colour something is printed in: black and white, and one dark band colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ink {
    Black,
    White,
    /// The dark band on the front (and the organisation's name): white text on it has a
    /// contrast ratio of about 11.6:1.
    Band,
    /// A grey level (0 black, 1 white), for outlines on the calibration sheet.
    Grey(f32),
}

impl Ink {
    pub(crate) fn rgb(self) -> (f32, f32, f32) {
        match self {
            Ink::Black => (0.0, 0.0, 0.0),
            Ink::White => (1.0, 1.0, 1.0),
            Ink::Band => (27.0 / 255.0, 58.0 / 255.0, 92.0 / 255.0),
            Ink::Grey(g) => (g, g, g),
        }
    }

    pub(crate) fn hex(self) -> String {
        let (r, g, b) = self.rgb();
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
    }
}

/// What a piece of text is, for tests and for the SVG's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Organisation,
    Title,
    Setting,
    Name,
    CaresFor,
    Number,
    ValidUntil,
    AsksHeading,
    Ask,
    More,
    Emergency,
    Phone,
    IfFound,
    QrNumber,
    Note,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text {
    /// Left end and baseline.
    pub x: f32,
    pub y: f32,
    /// Points.
    pub size: f32,
    pub bold: bool,
    pub ink: Ink,
    /// Already cleaned (printable by the fonts).
    pub text: String,
    /// Measured width in millimetres.
    pub width: f32,
    pub role: Role,
}

impl Text {
    /// The line's box: [left, top, right, bottom].
    #[cfg(test)]
    pub(crate) fn bounds(&self) -> [f32; 4] {
        let s = self.size * PT;
        [self.x, self.y - ASCENT * s, self.x + self.width, self.y + DESCENT * s]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Which {
    Logo,
    Photo,
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Prim {
    Text(Text),
    /// A filled rectangle.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        ink: Ink,
    },
    /// A straight line, `width` in points.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        ink: Ink,
    },
    /// A rectangle's outline, `width` in points.
    Outline {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        ink: Ink,
    },
    /// The card's logo or photo stretched to this box (the layout keeps the aspect ratio).
    Image {
        which: Which,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// A QR code: the box (quiet zone included) at `x, y`, `module` millimetres per module.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        symbol: qr::Symbol,
    },
}

impl Prim {
    /// The box it covers: [left, top, right, bottom].
    #[cfg(test)]
    pub(crate) fn bounds(&self) -> [f32; 4] {
        match self {
            Prim::Text(t) => t.bounds(),
            Prim::Fill { x, y, w, h, .. } | Prim::Outline { x, y, w, h, .. } | Prim::Image { x, y, w, h, .. } => {
                [*x, *y, x + w, y + h]
            }
            Prim::Line { x1, y1, x2, y2, .. } => [x1.min(*x2), y1.min(*y2), x1.max(*x2), y1.max(*y2)],
            Prim::Qr { x, y, module, symbol } => {
                let size = module * symbol.total() as f32;
                [*x, *y, x + size, y + size]
            }
        }
    }
}

/// One side of a card, laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Face {
    pub w: f32,
    pub h: f32,
    pub prims: Vec<Prim>,
    /// What did not fit and was shortened or left out.
    pub warnings: Vec<String>,
}

/// A word of text in one weight; `space` says whether a space comes before it (a word after a
/// hyphen break has none).
#[derive(Debug, Clone, PartialEq)]
struct Word {
    text: String,
    bold: bool,
    space: bool,
}

/// Laid-out lines of words at one size.
#[derive(Debug, Clone, PartialEq)]
struct Fitted {
    size: f32,
    lines: Vec<Vec<Word>>,
    truncated: bool,
}

impl Fitted {
    fn height(&self) -> f32 {
        block_height(self.lines.len(), self.size)
    }
}

fn block_height(lines: usize, size: f32) -> f32 {
    let s = size * PT;
    (ASCENT + DESCENT) * s + lines.saturating_sub(1) as f32 * LEADING * s
}

/// The text as printed: whitespace (line breaks included) collapsed to single spaces.
fn tidy(text: &str) -> String {
    clean(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Sizes from `max` down to `min` in [`STEP`]s.
fn sizes(max: f32, min: f32) -> impl Iterator<Item = f32> {
    let steps = ((max - min) / STEP).round().max(0.0) as usize;
    (0..=steps).map(move |i| max - i as f32 * STEP)
}

struct Measure<'a> {
    fonts: &'a Fonts,
    /// Widths in em of the texts measured so far: fitting a card tries many sizes and line
    /// breaks of the same words, and each measure shapes the text.
    cache: RefCell<HashMap<(String, bool), f32>>,
}

impl Measure<'_> {
    fn new(fonts: &Fonts) -> Measure<'_> {
        Measure { fonts, cache: RefCell::new(HashMap::new()) }
    }

    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let key = (text.to_string(), bold);
        let em = *self.cache.borrow_mut().entry(key).or_insert_with(|| self.fonts.width(text, bold, 1.0));
        em * size * PT
    }

    /// Splits weighted segments into words, with break chances at spaces and after hyphens.
    fn words(&self, segs: &[(&str, bool)]) -> Vec<Word> {
        let mut out = Vec::new();
        for (i, (text, bold)) in segs.iter().enumerate() {
            let text = tidy(text);
            for (j, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
                let mut space = i > 0 || j > 0;
                let mut rest = word;
                while let Some(k) = rest.find('-').filter(|&k| k > 0 && k + 1 < rest.len()) {
                    out.push(Word { text: rest[..=k].to_string(), bold: *bold, space });
                    rest = &rest[k + 1..];
                    space = false;
                }
                out.push(Word { text: rest.to_string(), bold: *bold, space });
            }
        }
        out
    }

    fn line_width(&self, line: &[Word], size: f32) -> f32 {
        line.iter()
            .enumerate()
            .map(|(i, w)| {
                let space = if i > 0 && w.space { self.width(" ", w.bold, size) } else { 0.0 };
                space + self.width(&w.text, w.bold, size)
            })
            .sum()
    }

    /// Greedy wrapping: line `i` may be `widths(i)` wide. A word wider than a line is broken
    /// between characters. `None` if more than `max_lines` lines are needed.
    fn wrap(
        &self,
        words: &[Word],
        size: f32,
        widths: &dyn Fn(usize) -> f32,
        max_lines: usize,
    ) -> Option<Vec<Vec<Word>>> {
        let mut lines: Vec<Vec<Word>> = Vec::new();
        let mut cur: Vec<Word> = Vec::new();
        for word in words {
            cur.push(word.clone());
            if self.line_width(&cur, size) <= widths(lines.len()) {
                continue;
            }
            let mut word = cur.pop().expect("just pushed");
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                if lines.len() >= max_lines {
                    return None;
                }
            }
            // The word starts a line: break it while it is too wide.
            loop {
                let limit = widths(lines.len());
                if self.width(&word.text, word.bold, size) <= limit {
                    cur.push(word);
                    break;
                }
                let mut head = String::new();
                for c in word.text.chars() {
                    head.push(c);
                    if self.width(&head, word.bold, size) > limit {
                        head.pop();
                        break;
                    }
                }
                if head.is_empty() {
                    head = word.text.chars().next().map(String::from).unwrap_or_default();
                }
                let tail = word.text[head.len()..].to_string();
                lines.push(vec![Word { text: head, bold: word.bold, space: false }]);
                if tail.is_empty() {
                    break;
                }
                if lines.len() >= max_lines {
                    return None;
                }
                word = Word { text: tail, bold: word.bold, space: false };
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        (lines.len() <= max_lines).then_some(lines)
    }

    /// The largest size from `max` down to `min` at which the words fit in `max_lines` lines and
    /// `height` millimetres.
    fn fit(
        &self,
        words: &[Word],
        (max, min): (f32, f32),
        widths: &dyn Fn(usize) -> f32,
        max_lines: usize,
        height: f32,
    ) -> Option<Fitted> {
        sizes(max, min).find_map(|size| {
            let lines = self.wrap(words, size, widths, max_lines)?;
            (block_height(lines.len(), size) <= height + 1e-3).then_some(Fitted { size, lines, truncated: false })
        })
    }

    /// The words at `size` in at most `max_lines` lines, the last ending in an ellipsis if the
    /// text is longer.
    fn truncate(&self, words: &[Word], size: f32, widths: &dyn Fn(usize) -> f32, max_lines: usize) -> Fitted {
        let all = self.wrap(words, size, widths, usize::MAX).unwrap_or_default();
        if all.len() <= max_lines {
            return Fitted { size, lines: all, truncated: false };
        }
        let mut lines: Vec<Vec<Word>> = all.into_iter().take(max_lines.max(1)).collect();
        let n = lines.len() - 1;
        let limit = widths(n);
        let last = &mut lines[n];
        loop {
            let word = last.last_mut().expect("a wrapped line has a word");
            let base = word.text.trim_end_matches('…').trim_end().to_string();
            word.text = format!("{base}…");
            if self.line_width(last, size) <= limit || (last.len() == 1 && base.chars().count() <= 1) {
                break;
            }
            let shorter: String = base.chars().take(base.chars().count().saturating_sub(1)).collect();
            let shorter = shorter.trim_end().to_string();
            if shorter.is_empty() && last.len() > 1 {
                last.pop();
            } else {
                last.last_mut().expect("not empty").text = shorter;
            }
        }
        Fitted { size, lines, truncated: true }
    }
}

/// Fitting rules in order: each is (sizes, lines); the last resort is truncation at `last`.
struct Rules<'a> {
    tries: &'a [((f32, f32), usize)],
    last: (f32, usize),
}

/// How a block's lines line up.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
    Centre,
}

struct Builder<'a> {
    m: Measure<'a>,
    face: Face,
    number: String,
}

impl Builder<'_> {
    fn fitted(&self, segs: &[(&str, bool)], rules: &Rules<'_>, widths: &dyn Fn(usize) -> f32, height: f32) -> Fitted {
        let words = self.m.words(segs);
        for &(range, lines) in rules.tries {
            if let Some(f) = self.m.fit(&words, range, widths, lines, height) {
                return f;
            }
        }
        let (size, lines) = rules.last;
        let max_lines = (1..=lines).rev().find(|&n| block_height(n, size) <= height + 1e-3).unwrap_or(1);
        self.m.truncate(&words, size, widths, max_lines)
    }

    /// Draws fitted lines with the first line's box top at `top`; `x` is the left edge, right
    /// edge or centre by `align`. Returns the block's bottom.
    fn place(&mut self, f: &Fitted, x: f32, top: f32, align: Align, ink: Ink, role: Role) -> f32 {
        let s = f.size * PT;
        let mut baseline = top + ASCENT * s;
        for line in &f.lines {
            let width = self.m.line_width(line, f.size);
            let mut cx = match align {
                Align::Left => x,
                Align::Right => x - width,
                Align::Centre => x - width / 2.0,
            };
            // Consecutive words of one weight make one text run.
            let mut run: Option<(String, bool, f32)> = None;
            for (i, word) in line.iter().enumerate() {
                let space = i > 0 && word.space;
                match &mut run {
                    Some((text, bold, _)) if *bold == word.bold => {
                        if space {
                            text.push(' ');
                        }
                        text.push_str(&word.text);
                    }
                    _ => {
                        if let Some(r) = run.take() {
                            cx = self.text_run(r, baseline, f.size, ink, role);
                        }
                        if space {
                            cx += self.m.width(" ", word.bold, f.size);
                        }
                        run = Some((word.text.clone(), word.bold, cx));
                    }
                }
            }
            if let Some(r) = run.take() {
                self.text_run(r, baseline, f.size, ink, role);
            }
            baseline += LEADING * s;
        }
        top + f.height()
    }

    /// Pushes one run; returns where it ends.
    fn text_run(&mut self, (text, bold, x): (String, bool, f32), y: f32, size: f32, ink: Ink, role: Role) -> f32 {
        let width = self.m.width(&text, bold, size);
        self.face.prims.push(Prim::Text(Text { x, y, size, bold, ink, text, width, role }));
        x + width
    }

    fn warn(&mut self, what: &str) {
        let message = if self.number.is_empty() { what.to_string() } else { format!("{}: {what}", self.number) };
        self.face.warnings.push(message);
    }
}

/// `(w, h)` of a `iw × ih` picture scaled to fit `bw × bh`, keeping its proportions.
pub(crate) fn contain(iw: f32, ih: f32, bw: f32, bh: f32) -> (f32, f32) {
    if iw <= 0.0 || ih <= 0.0 {
        return (bw, bh);
    }
    let scale = (bw / iw).min(bh / ih);
    (iw * scale, ih * scale)
}

fn builder<'a>(fonts: &'a Fonts, card: &Card, w: f32, h: f32) -> Builder<'a> {
    Builder {
        m: Measure::new(fonts),
        face: Face { w, h, prims: Vec::new(), warnings: Vec::new() },
        number: card.number.trim().to_string(),
    }
}

/// The front of `card` on a `w × h` mm face. `bleed` (left, right) extends the dark band past
/// the left and right edges (on sheets, so a slightly misplaced cut leaves no white sliver).
// Long: the card's front laid out top to bottom in one pass: each step places the next below the
// last.
pub(crate) fn front(fonts: &Fonts, card: &Card, w: f32, h: f32, bleed: (f32, f32)) -> Face {
    let mut b = builder(fonts, card, w, h);
    let m = MARGIN;
    let right = w - m;

    // Header: logo and organisation.
    let mut org_left = m;
    if let Some(logo) = &card.logo {
        let (lw, lh) = contain(logo.width as f32, logo.height as f32, LOGO_W, HEADER_H);
        b.face.prims.push(Prim::Image { which: Which::Logo, x: m, y: m + (HEADER_H - lh) / 2.0, w: lw, h: lh });
        org_left = m + lw + 2.5;
    }
    let org_width = right - org_left;
    let org = b.fitted(
        &[(&card.organisation, true)],
        &Rules { tries: &[((9.5, 7.5), 1), ((8.0, MIN_SIZE), 2)], last: (MIN_SIZE, 2) },
        &|_| org_width,
        HEADER_H,
    );
    if org.truncated {
        b.warn("the organisation's name is too long for the card and was shortened");
    }
    let top = m + (HEADER_H - org.height()) / 2.0;
    b.place(&org, org_left, top, Align::Left, Ink::Band, Role::Organisation);

    // The band: title, and where the card is used.
    let band_top = m + HEADER_H + BAND_GAP;
    b.face.prims.push(Prim::Fill { x: -bleed.0, y: band_top, w: w + bleed.0 + bleed.1, h: BAND_H, ink: Ink::Band });
    let setting = card.setting.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let band_width = right - m;
    let title_words = b.m.words(&[(&card.title, true)]);
    let title_max = if setting.is_some() { band_width * 0.55 } else { band_width };
    let title =
        b.m.fit(&title_words, (15.0, 9.0), &|_| title_max, 1, BAND_H)
            .unwrap_or_else(|| b.m.truncate(&title_words, 9.0, &|_| title_max, 1));
    if title.truncated {
        b.warn("the card's title is too long and was shortened");
    }
    let title_top = band_top + (BAND_H - title.height()) / 2.0;
    b.place(&title, m, title_top, Align::Left, Ink::White, Role::Title);
    if let Some(setting) = setting {
        let title_width = title.lines.first().map(|l| b.m.line_width(l, title.size)).unwrap_or(0.0);
        let width = band_width - title_width - 3.0;
        let f = b.fitted(
            &[(setting, false)],
            &Rules { tries: &[((8.0, 6.5), 1), ((7.0, MIN_SIZE), 2)], last: (MIN_SIZE, 2) },
            &|_| width,
            BAND_H - 1.0,
        );
        if f.truncated {
            b.warn("where the card is used is too long and was shortened");
        }
        b.place(&f, right, band_top + (BAND_H - f.height()) / 2.0, Align::Right, Ink::White, Role::Setting);
    }

    // The photo, on the right under the band.
    let body_top = band_top + BAND_H + 1.8;
    let mut text_right = right;
    if let Some(photo) = &card.photo {
        let ph = h - m - body_top;
        let pw = ph * PHOTO_RATIO;
        let (iw, ih) = contain(photo.width as f32, photo.height as f32, pw, ph);
        b.face.prims.push(Prim::Image { which: Which::Photo, x: right - iw, y: body_top, w: iw, h: ih });
        text_right = right - pw - 2.5;
    }
    let text_width = text_right - m;

    // From the bottom up: the number, then valid until.
    let number = b.fitted(
        &[("No.", false), (&card.number, true)],
        &Rules { tries: &[((9.5, MIN_SIZE), 1)], last: (MIN_SIZE, 1) },
        &|_| text_width,
        10.0,
    );
    let number_top = h - m - number.height();
    b.place(&number, m, number_top, Align::Left, Ink::Black, Role::Number);
    let date = card.valid_until.format("%d/%m/%Y").to_string();
    let valid = b.fitted(
        &[("Valid until", false), (&date, true)],
        &Rules { tries: &[((8.5, MIN_SIZE), 1)], last: (MIN_SIZE, 1) },
        &|_| text_width,
        10.0,
    );
    let valid_top = number_top - 0.4 - valid.height();
    b.place(&valid, m, valid_top, Align::Left, Ink::Black, Role::ValidUntil);

    // The name, large, then who they care for.
    let region = valid_top - GAP - body_top;
    let cares = card.cared_for.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| {
        b.fitted(
            &[("Cares for", false), (c, false)],
            &Rules { tries: &[((8.0, 6.5), 1)], last: (6.5, 1) },
            &|_| text_width,
            10.0,
        )
    });
    let name_height = region - cares.as_ref().map(|c| c.height() + GAP).unwrap_or(0.0);
    let name = b.fitted(
        &[(&card.holder_name, true)],
        &Rules { tries: &[((14.0, 9.0), 1), ((11.5, 8.0), 2)], last: (8.0, 2) },
        &|_| text_width,
        name_height,
    );
    if name.truncated {
        b.warn("the holder's name is too long for the card and was shortened: check how it reads");
    }
    let name_bottom = b.place(&name, m, body_top, Align::Left, Ink::Black, Role::Name);
    if let Some(cares) = cares {
        if cares.truncated {
            b.warn("the cared-for person's name is too long for the card and was shortened");
        }
        b.place(&cares, m, name_bottom + GAP, Align::Left, Ink::Black, Role::CaresFor);
    }
    b.face
}

/// The back of `card` on a `w × h` mm face.
// Long: the card's back laid out top to bottom in one pass: each step places the next below the
// last.
pub(crate) fn back(fonts: &Fonts, card: &Card, w: f32, h: f32) -> Face {
    let mut b = builder(fonts, card, w, h);
    let m = MARGIN;
    let right = w - m;

    // The QR code at the top right, the number under it.
    let qr_x = w - QR_EDGE - QR_BOX;
    let mut column_bottom = QR_EDGE + QR_BOX;
    match qr::symbol(&card.qr_text) {
        Ok(symbol) => {
            let module = QR_BOX / symbol.total() as f32;
            b.face.prims.push(Prim::Qr { x: qr_x, y: QR_EDGE, module, symbol });
        }
        Err(e) => b.warn(&format!("{e}: the card has no QR code")),
    }
    let number = b.fitted(
        &[(&card.number, true)],
        &Rules { tries: &[((7.0, MIN_SIZE), 1)], last: (MIN_SIZE, 1) },
        &|_| QR_BOX,
        10.0,
    );
    column_bottom =
        b.place(&number, qr_x + QR_BOX / 2.0, column_bottom + 0.3, Align::Centre, Ink::Black, Role::QrNumber);
    let left_width = qr_x - 0.8 - m;
    let full_width = right - m;

    // From the bottom up: if found, the organisation's phone, the emergency contact. Full
    // width, unless the block reaches up beside the QR code.
    let bottom_block = |b: &Builder<'_>, width: f32| -> Vec<(Fitted, Role)> {
        let mut blocks = Vec::new();
        let if_found = card.if_found.trim();
        if !if_found.is_empty() {
            let rules = Rules { tries: &[((6.5, MIN_SIZE), 2), ((MIN_SIZE, MIN_SIZE), 3)], last: (MIN_SIZE, 3) };
            blocks.push((b.fitted(&[(if_found, false)], &rules, &|_| width, 10.0), Role::IfFound));
        }
        if let Some(phone) = card.organisation_phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            let org = format!("{}:", card.organisation.trim());
            let rules = Rules { tries: &[((7.5, 6.5), 1), ((7.0, MIN_SIZE), 2)], last: (MIN_SIZE, 2) };
            blocks.push((b.fitted(&[(&org, false), (phone, true)], &rules, &|_| width, 10.0), Role::Phone));
        }
        if let Some(contact) = card.emergency_contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let contact = contact
                .strip_prefix("In an emergency:")
                .or_else(|| contact.strip_prefix("In an emergency"))
                .unwrap_or(contact);
            let rules = Rules { tries: &[((7.5, 6.5), 1), ((7.0, MIN_SIZE), 2)], last: (MIN_SIZE, 2) };
            let f = b.fitted(&[("In an emergency:", true), (contact, false)], &rules, &|_| width, 10.0);
            blocks.push((f, Role::Emergency));
        }
        blocks
    };
    let height = |blocks: &[(Fitted, Role)]| -> f32 {
        blocks.iter().map(|(f, _)| f.height()).sum::<f32>() + blocks.len().saturating_sub(1) as f32 * GAP
    };
    let mut blocks = bottom_block(&b, full_width);
    if h - m - height(&blocks) < column_bottom + GAP {
        blocks = bottom_block(&b, left_width);
    }
    let mut y = h - m;
    for (f, role) in &blocks {
        if f.truncated {
            let what = match role {
                Role::IfFound => "the \"if found\" text",
                Role::Phone => "the organisation's name and phone",
                _ => "the emergency contact",
            };
            b.warn(&format!("{what} is too long for the card and was shortened"));
        }
        y -= f.height();
        b.place(f, m, y, Align::Left, Ink::Black, *role);
        y -= GAP;
    }
    let asks_bottom = if blocks.is_empty() { h - m } else { y - 0.4 };

    // What the holder may ask for, in the space left.
    let asks: Vec<&str> = card.asks.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    if !asks.is_empty() {
        asks_list(&mut b, &asks, (m, right, qr_x - 0.8, column_bottom + 0.4), (m, asks_bottom));
    } else {
        // Nothing listed: say what the card means instead.
        let title = card.title.trim().to_lowercase();
        let title = if title.is_empty() { "carer".to_string() } else { title };
        let article = if title.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let text = format!(
            "The holder of this card is {article} {title}: they look after someone who could not manage without \
             their help."
        );
        let rules = Rules { tries: &[((8.0, MIN_SIZE), 4)], last: (MIN_SIZE, 4) };
        let f = b.fitted(&[(&text, false)], &rules, &|_| left_width, asks_bottom - m);
        b.place(&f, m, m, Align::Left, Ink::Black, Role::Note);
    }
    b.face
}

/// Lays out "You may ask for:" and the bulleted list between `top` and `bottom`. Lines whose box
/// starts above `column_bottom` end at `column_right` (beside the QR code); lower lines run to
/// `right`. Shrinks to [`MIN_SIZE`], then prints as many as fit and "and N more".
// Long: fitting the list to the space: sizes are tried in turn and each try is measured before the
// next.
fn asks_list(
    b: &mut Builder<'_>,
    asks: &[&str],
    (left, right, column_right, column_bottom): (f32, f32, f32, f32),
    (top, bottom): (f32, f32),
) {
    let limit = |y_top: f32| if y_top < column_bottom { column_right } else { right };
    let heading_size = 8.0;
    let heading_bottom = top + block_height(1, heading_size);

    struct Item {
        lines: Vec<Vec<Word>>,
        top: f32,
        truncated: bool,
    }
    // Items laid out at `size` from `start`, as many as fit above `floor` (all, or stop).
    let lay = |m: &Measure<'_>, size: f32, items: &[&str], floor: f32| -> Vec<Item> {
        let s = size * PT;
        let indent = m.width("•", false, size) + 1.2;
        let mut out = Vec::new();
        let mut y = heading_bottom + 0.6;
        for item in items {
            let words = m.words(&[(item, false)]);
            let widths = |i: usize| limit(y + i as f32 * LEADING * s) - left - indent;
            let Some(lines) = m.wrap(&words, size, &widths, usize::MAX) else { break };
            let bottom_of = y + block_height(lines.len(), size);
            if bottom_of > floor + 1e-3 {
                break;
            }
            out.push(Item { lines, top: y, truncated: false });
            y = bottom_of + 0.5;
        }
        out
    };

    let m = Measure::new(b.m.fonts);
    let mut chosen = None;
    for size in sizes(7.5, MIN_SIZE) {
        let items = lay(&m, size, asks, bottom);
        if items.len() == asks.len() {
            chosen = Some((size, items, 0));
            break;
        }
    }
    let (size, items, more) = chosen.unwrap_or_else(|| {
        // At the smallest size: as many as fit with a line for "and N more" under them.
        let size = MIN_SIZE;
        let more_height = block_height(1, size) + 0.5;
        let mut items = lay(&m, size, asks, bottom - more_height);
        if items.is_empty() {
            // Not even the first fits: print the start of it.
            let s = size * PT;
            let y = heading_bottom + 0.6;
            let indent = m.width("•", false, size) + 1.2;
            let widths = |i: usize| limit(y + i as f32 * LEADING * s) - left - indent;
            let room = bottom - more_height - y;
            let lines = (1..40).take_while(|&n| block_height(n, size) <= room).last().unwrap_or(1);
            let f = m.truncate(&m.words(&[(asks[0], false)]), size, &widths, lines);
            items.push(Item { lines: f.lines, top: y, truncated: f.truncated });
        }
        let more = asks.len() - items.len();
        (size, items, more)
    });

    let heading = Fitted { size: heading_size, lines: vec![m.words(&[("You may ask for:", true)])], truncated: false };
    b.place(&heading, left, top, Align::Left, Ink::Band, Role::AsksHeading);
    let indent = m.width("•", false, size) + 1.2;
    let mut last_bottom = heading_bottom;
    for item in &items {
        let bullet =
            Fitted {
                size, lines: vec![vec![Word { text: "•".into(), bold: false, space: false }]], truncated: false
            };
        b.place(&bullet, left, item.top, Align::Left, Ink::Black, Role::Ask);
        let f = Fitted { size, lines: item.lines.clone(), truncated: item.truncated };
        last_bottom = b.place(&f, left + indent, item.top, Align::Left, Ink::Black, Role::Ask);
    }
    if more > 0 {
        let text = format!("and {more} more");
        let f = Fitted { size, lines: vec![m.words(&[(&text, false)])], truncated: false };
        b.place(&f, left + indent, last_bottom + 0.5, Align::Left, Ink::Black, Role::More);
        let what = if more == 1 { "1 thing".to_string() } else { format!("{more} things") };
        b.warn(&format!("{what} the holder may ask for did not fit on the card (it says \"and {more} more\")"));
    } else if items.iter().any(|i| i.truncated) {
        b.warn("what the holder may ask for is too long for the card and was shortened");
    }
}

/// The calibration sheet for `stock` as one A4 face (the drawer applies the offset): every
/// card's outline, rulers across the first card's left and top edges and the last card's right
/// and bottom edges (ticks every millimetre, numbered every 2, plus meaning the real card lies
/// further right or down than printed), crosses at those cards' centres, and instructions in
/// two cards of the middle row.
// Long: the calibration sheet drawn in one pass, marks and their labels in the order they are
// measured.
pub(crate) fn calibration(fonts: &Fonts, stock: &Stock, offset: (f32, f32)) -> Face {
    let mut b = Builder {
        m: Measure::new(fonts),
        face: Face { w: stock.page_width, h: stock.page_height, prims: Vec::new(), warnings: Vec::new() },
        number: String::new(),
    };
    let (cw, ch) = (stock.card_width, stock.card_height);
    let thin = Ink::Grey(0.0);
    let text = |b: &mut Builder<'_>, segs: &[(&str, bool)], size: f32, x: f32, top: f32, width: f32, align: Align| {
        let f = b.fitted(segs, &Rules { tries: &[((size, size), 20)], last: (size, 20) }, &|_| width, 300.0);
        b.place(&f, x, top, align, Ink::Black, Role::Note)
    };

    let (fx, fy) = stock.front(0);

    for i in 0..stock.per_sheet() {
        let (x, y) = stock.front(i);
        b.face.prims.push(Prim::Outline { x, y, w: cw, h: ch, width: 0.5, ink: thin });
        let label = format!("Card {}", i + 1);
        text(&mut b, &[(&label, false)], 7.0, x + cw / 2.0, y + 2.0, cw, Align::Centre);
    }

    // Rulers and crosses on the first and the last card.
    let last = stock.per_sheet() - 1;
    let (lx, ly) = stock.front(last);
    let ruler = |b: &mut Builder<'_>, x: f32, y: f32, across: bool| {
        for k in -5i32..=5 {
            let len = if k == 0 {
                4.0
            } else if k % 5 == 0 {
                3.0
            } else {
                1.8
            };
            let d = k as f32;
            let (x1, y1, x2, y2) = if across {
                (x + d, y - len / 2.0, x + d, y + len / 2.0)
            } else {
                (x - len / 2.0, y + d, x + len / 2.0, y + d)
            };
            b.face.prims.push(Prim::Line { x1, y1, x2, y2, width: if k == 0 { 0.6 } else { 0.3 }, ink: thin });
            // Numbers every 2 mm, on alternate sides so they have room.
            if k % 2 == 0 {
                let label = if k > 0 { format!("+{k}") } else { k.to_string() };
                let first_side = (k / 2) % 2 == 0;
                if across {
                    let top = if first_side { y + 2.4 } else { y - 2.4 - block_height(1, 6.0) };
                    text(b, &[(&label, false)], 6.0, x + d, top, 6.0, Align::Centre);
                } else {
                    // Baseline half a capital's height below the tick.
                    let size = 6.0 * PT;
                    let top = y + d + 0.334 * size - ASCENT * size;
                    if first_side {
                        text(b, &[(&label, false)], 6.0, x - 2.4, top, 6.0, Align::Right);
                    } else {
                        text(b, &[(&label, false)], 6.0, x + 2.4, top, 6.0, Align::Left);
                    }
                }
            }
        }
        let (x1, y1, x2, y2) = if across { (x - 5.0, y, x + 5.0, y) } else { (x, y - 5.0, x, y + 5.0) };
        b.face.prims.push(Prim::Line { x1, y1, x2, y2, width: 0.3, ink: thin });
    };
    ruler(&mut b, fx, fy + ch / 2.0, true);
    ruler(&mut b, fx + 20.0, fy, false);
    ruler(&mut b, lx + cw, ly + ch / 2.0, true);
    ruler(&mut b, lx + cw - 20.0, ly + ch, false);
    for (x, y) in [(fx, fy), (lx, ly)] {
        let (cx, cy) = (x + cw / 2.0, y + ch / 2.0);
        b.face.prims.push(Prim::Line { x1: cx - 5.0, y1: cy, x2: cx + 5.0, y2: cy, width: 0.3, ink: thin });
        b.face.prims.push(Prim::Line { x1: cx, y1: cy - 5.0, x2: cx, y2: cy + 5.0, width: 0.3, ink: thin });
    }

    // Instructions in the middle row.
    let row = stock.rows / 2;
    let n = stock.per_sheet();
    let steps = [
        format!("Calibration sheet: {}", stock.name),
        "1. Print this page on plain paper at 100 % (\"actual size\", not \"fit to page\").".into(),
        "2. Lay it on a blank sheet of the card stock, line up the paper edges, and hold both up to a window or \
         a lamp."
            .into(),
        format!("3. Read where the real card edges fall on the millimetre rulers at card 1 (left and top edges) and card {n} (right and bottom edges)."),
        "4. In Settings, add the left-edge reading to the offset across (x) and the top-edge reading to the \
         offset down (y). Plus means the cards lie further right or lower than printed."
            .into(),
        "5. Print this sheet again: each printed outline should now sit on a card's edges.".into(),
        format!(
            "If card 1 and card {n} read differently, the printer is scaling the page: print at 100 %. Offset now: \
             across {:+.1} mm, down {:+.1} mm.",
            offset.0, offset.1
        ),
    ];
    let boxes: Vec<(f32, f32)> = (0..stock.columns).map(|c| stock.front(row * stock.columns + c)).collect();
    let per_box = steps.len().div_ceil(boxes.len());
    for (chunk, (x, y)) in steps.chunks(per_box).zip(boxes) {
        let mut top = y + 7.0;
        for (k, step) in chunk.iter().enumerate() {
            let bold = k == 0 && step.starts_with("Calibration sheet");
            top = text(&mut b, &[(step, bold)], 8.0, x + 4.0, top, cw - 8.0, Align::Left) + 1.2;
        }
    }
    b.face
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::card_stock::{C32011, ID1_HEIGHT, ID1_WIDTH, L7414};
    use crate::passports::card::{CardImage, ImageFormat};
    use crate::passports::number::Kind;
    use crate::pdf::fonts::fonts;

    pub(crate) fn sample() -> Card {
        Card {
            kind: Kind::Hospital,
            title: "Hospital Carer".into(),
            organisation: "Riverside Carers Centre".into(),
            organisation_phone: Some("020 7946 0018".into()),
            logo: Some(CardImage {
                bytes: std::sync::Arc::new(Vec::new()),
                format: ImageFormat::Png,
                width: 300,
                height: 100,
            }),
            holder_name: "Olena Shevchenko".into(),
            number: "HP-004217-K".into(),
            valid_until: chrono::NaiveDate::from_ymd_opt(2027, 11, 30).unwrap(),
            setting: Some("St Mary's Hospital".into()),
            cared_for: Some("Maya".into()),
            photo: Some(CardImage {
                bytes: std::sync::Arc::new(Vec::new()),
                format: ImageFormat::Jpeg,
                width: 350,
                height: 450,
            }),
            asks: vec![
                "Open visiting".into(),
                "Involvement in discharge planning".into(),
                "Car parking concession".into(),
            ],
            emergency_contact: Some("Sam Lee (aunt) 07700 900123".into()),
            if_found: "If found, please return it to Riverside Carers Centre or call 020 7946 0018.".into(),
            qr_text: "Hospital carer passport HP-004217-K\nCall 020 7946 0018".into(),
        }
    }

    fn long() -> Card {
        let mut c = sample();
        c.holder_name = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh Cholmondeley-Marjoribanks \
                         Ó Súilleabháin Nguyễn Thị Hồng"
            .into();
        c.organisation = "The Royal Borough of Kensington and Chelsea Young Carers and Young Adult Carers Support \
                          Service (Community Partnership)"
            .into();
        c.setting = Some("Chelsea and Westminster Hospital NHS Foundation Trust, Fulham Road Site, Ward 4B".into());
        c.cared_for = Some("Bartholomew-Alexander Featherstonehaugh-Wolfeschlegelsteinhausen".into());
        c.asks = (1..=14)
            .map(|i| format!("Request number {i}: flexible visiting and a quiet space to talk with the ward team"))
            .collect();
        c.emergency_contact = Some(
            "Samantha Featherstonehaugh-Cholmondeley (aunt, lives nearby and has a key) 07700 900123 or \
             020 7946 0999 in the evening"
                .into(),
        );
        c.if_found = "If this card is found, please return it to the Royal Borough of Kensington and Chelsea Young \
                      Carers Service, Town Hall, Hornton Street, London W8 7NX, or call 020 7946 0018 and ask for \
                      the carers team. Thank you for helping."
            .into();
        c
    }

    fn faces(card: &Card) -> Vec<Face> {
        let f = fonts().unwrap();
        let mut out = Vec::new();
        for (w, h) in
            [(ID1_WIDTH, ID1_HEIGHT), (C32011.card_width, C32011.card_height), (L7414.card_width, L7414.card_height)]
        {
            out.push(front(f, card, w, h, (0.0, 0.0)));
            out.push(back(f, card, w, h));
        }
        out
    }

    fn overlap(a: [f32; 4], b: [f32; 4]) -> bool {
        a[0] < b[2] - 1e-3 && b[0] < a[2] - 1e-3 && a[1] < b[3] - 1e-3 && b[1] < a[3] - 1e-3
    }

    fn inside(inner: [f32; 4], outer: [f32; 4]) -> bool {
        inner[0] >= outer[0] - 1e-3
            && inner[1] >= outer[1] - 1e-3
            && inner[2] <= outer[2] + 1e-3
            && inner[3] <= outer[3] + 1e-3
    }

    /// Every pair of things on a face is apart, except text on the band (which must be inside
    /// it); everything but the band is inside the safe margin (the QR code's quiet zone may come
    /// closer to the edge); no text is under 6 pt.
    pub(crate) fn check_face(face: &Face) {
        let band: Vec<[f32; 4]> =
            face.prims.iter().filter(|p| matches!(p, Prim::Fill { ink: Ink::Band, .. })).map(Prim::bounds).collect();
        let safe = [MARGIN, MARGIN, face.w - MARGIN, face.h - MARGIN];
        for (i, p) in face.prims.iter().enumerate() {
            let a = p.bounds();
            match p {
                Prim::Text(t) => {
                    assert!(t.size >= MIN_SIZE - 1e-4, "{t:?} is under 6 pt");
                    assert!(inside(a, safe), "{t:?} is outside the safe margin of {}×{}", face.w, face.h);
                    if t.ink == Ink::White {
                        assert!(band.iter().any(|b| inside(a, *b)), "white text off the band: {t:?}");
                    }
                }
                Prim::Qr { .. } => assert!(inside(a, [QR_EDGE - 1e-3, QR_EDGE - 1e-3, face.w - QR_EDGE, face.h])),
                Prim::Image { .. } => assert!(inside(a, safe), "{p:?}"),
                _ => {}
            }
            for q in &face.prims[i + 1..] {
                let on_band = |x: &Prim, y: &Prim| {
                    matches!(x, Prim::Fill { ink: Ink::Band, .. })
                        && matches!(y, Prim::Text(Text { ink: Ink::White, .. }))
                };
                if on_band(p, q) || on_band(q, p) {
                    continue;
                }
                assert!(!overlap(a, q.bounds()), "on a {}×{} face these overlap:\n{p:?}\n{q:?}", face.w, face.h);
            }
        }
    }

    fn texts(face: &Face, role: Role) -> Vec<&Text> {
        face.prims
            .iter()
            .filter_map(|p| match p {
                Prim::Text(t) if t.role == role => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_ordinary_card_fits_without_shrinking_or_warnings() {
        for face in faces(&sample()) {
            check_face(&face);
            assert!(face.warnings.is_empty(), "{:?}", face.warnings);
        }
        let f = front(fonts().unwrap(), &sample(), ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
        let name = texts(&f, Role::Name);
        assert_eq!(name.len(), 1);
        assert_eq!(name[0].text, "Olena Shevchenko");
        assert!(name[0].size >= 13.0, "{}", name[0].size);
        let all: String = f
            .prims
            .iter()
            .filter_map(|p| if let Prim::Text(t) = p { Some(t.text.as_str()) } else { None })
            .collect::<Vec<_>>()
            .join(" ");
        for expected in [
            "Riverside Carers Centre",
            "Hospital Carer",
            "St Mary's Hospital",
            "Cares for Maya",
            "HP-004217-K",
            "Valid until 30/11/2027",
        ] {
            assert!(all.contains(expected), "{expected:?} not in {all}");
        }
    }

    #[test]
    fn long_text_shrinks_wraps_and_shortens_but_never_overlaps() {
        let card = long();
        for face in faces(&card) {
            check_face(&face);
        }
        let f = front(fonts().unwrap(), &card, ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
        let name = texts(&f, Role::Name);
        assert_eq!(name.len(), 2, "{name:?}");
        assert!(name[1].text.ends_with('…'), "{name:?}");
        assert!(f.warnings.iter().any(|w| w.contains("holder's name is too long")), "{:?}", f.warnings);
        let back = back(fonts().unwrap(), &card, ID1_WIDTH, ID1_HEIGHT);
        let more = texts(&back, Role::More);
        assert_eq!(more.len(), 1);
        assert!(more[0].text.starts_with("and ") && more[0].text.ends_with(" more"), "{more:?}");
        assert!(back.warnings.iter().any(|w| w.contains("did not fit on the card")), "{:?}", back.warnings);
    }

    #[test]
    fn names_shrink_before_they_wrap() {
        let f = fonts().unwrap();
        let mut card = sample();
        let mut last = 100.0;
        let mut wrapped_at = None;
        for n in 1..40 {
            card.holder_name = format!("Jane {} Smith", "Anne-Marie ".repeat(n / 3) + &"x".repeat(n % 3));
            let face = front(f, &card, ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
            check_face(&face);
            let name = texts(&face, Role::Name);
            if name.len() == 1 {
                assert!(wrapped_at.is_none(), "back to one line after wrapping");
                assert!(name[0].size <= last + 1e-4 && name[0].size >= 9.0);
                last = name[0].size;
            } else {
                wrapped_at.get_or_insert(n);
                let photo_x = face
                    .prims
                    .iter()
                    .find_map(|p| if let Prim::Image { which: Which::Photo, x, .. } = p { Some(*x) } else { None })
                    .unwrap();
                let one_line = f.width(&card.holder_name, true, 9.0) * PT;
                assert!(one_line > photo_x - 2.5 - MARGIN, "wrapped though it fits on one line at 9 pt");
                assert!(name.iter().all(|t| t.size >= 8.0 && t.size <= 11.5));
            }
        }
        assert!(wrapped_at.is_some());
    }

    #[test]
    fn without_photo_logo_or_extras_the_name_uses_the_width() {
        let f = fonts().unwrap();
        let mut card = sample();
        card.photo = None;
        card.logo = None;
        card.setting = None;
        card.cared_for = None;
        card.emergency_contact = None;
        card.organisation_phone = None;
        card.asks.clear();
        card.holder_name = "Christopher Montgomery-Smith".into();
        for face in faces(&card) {
            check_face(&face);
        }
        let face = front(f, &card, ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
        let name = texts(&face, Role::Name);
        assert_eq!(name.len(), 1);
        assert!(name[0].x + name[0].width > 60.0, "{name:?}");
    }

    #[test]
    fn the_qr_code_has_its_quiet_zone_clear() {
        let f = fonts().unwrap();
        for card in [sample(), long()] {
            for (w, h) in [(ID1_WIDTH, ID1_HEIGHT), (L7414.card_width, L7414.card_height)] {
                let face = back(f, &card, w, h);
                let (qx, qy, module, symbol) = face
                    .prims
                    .iter()
                    .find_map(|p| match p {
                        Prim::Qr { x, y, module, symbol } => Some((*x, *y, *module, symbol.clone())),
                        _ => None,
                    })
                    .expect("a QR code");
                let size = module * symbol.total() as f32;
                assert!((size - QR_BOX).abs() < 1e-3);
                // At least 0.4 mm per module for phone cameras, and 4 modules of quiet zone.
                assert!(module >= 0.4, "{module}");
                let quiet = [qx, qy, qx + size, qy + size];
                for p in &face.prims {
                    if !matches!(p, Prim::Qr { .. }) {
                        assert!(!overlap(p.bounds(), quiet), "{p:?} is in the QR code's quiet zone");
                    }
                }
            }
        }
    }

    #[test]
    fn the_smallest_text_is_six_points() {
        for card in [sample(), long()] {
            for face in faces(&card) {
                let min = face
                    .prims
                    .iter()
                    .filter_map(|p| if let Prim::Text(t) = p { Some(t.size) } else { None })
                    .fold(f32::MAX, f32::min);
                assert!(min >= MIN_SIZE, "{min}");
            }
        }
    }

    #[test]
    fn an_empty_card_still_lays_out() {
        let mut card = sample();
        card.holder_name = String::new();
        card.organisation = "   ".into();
        card.title = String::new();
        card.asks = vec!["".into()];
        card.if_found = String::new();
        card.qr_text = String::new();
        for face in faces(&card) {
            check_face(&face);
        }
    }
}
