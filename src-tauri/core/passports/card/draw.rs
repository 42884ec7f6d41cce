//! Drawing laid-out faces into a PDF with printpdf: pages for single cards or sheets, crop
//! marks, the printer offset, images embedded once, fonts embedded and subset, metadata.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use printpdf::xobject::DictItem;
use printpdf::{
    Color, CurTransMat, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};

use super::images::{self, LOGO_PX, PHOTO_PX};
use super::layout::{self, Face, Ink, Prim, Which, PT};
use super::{Card, Layout, Placement, PrintSetup, Printed};
use crate::card_stock::{Stock, A4_HEIGHT, A4_WIDTH, ID1_HEIGHT, ID1_WIDTH};
use crate::error::{Error, Result};
use crate::pdf::fonts::{fonts, Face as FontFace, Family as FontFamily, Fonts};
use crate::pdf::shape::{shape, Run};

/// Crop marks: this far from the cards, this long, and no nearer the paper's edge than this.
const MARK_GAP: f32 = 1.5;
const MARK_LEN: f32 = 5.0;
const MARK_EDGE: f32 = 2.0;

/// Points to 1/1000 pt (0.35 µm), so the PDF's numbers are short.
fn round(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

fn colour(ink: Ink) -> Color {
    let (r, g, b) = ink.rgb();
    Color::Rgb(Rgb::new(r, g, b, None))
}

/// The ops of one page being drawn; positions in mm from the page's top-left.
struct Canvas<'a> {
    fonts: &'a Fonts,
    ids: &'a BTreeMap<FontFace, printpdf::FontId>,
    page_h: f32,
    ops: Vec<Op>,
    /// The fill colour last set, so it is not set again for every run of text.
    fill: Option<(f32, f32, f32)>,
    /// In a text object (`BT`): where the last line started (`Td` moves from there), in pt.
    text: Option<(f32, f32)>,
    /// The font and size last set.
    font: Option<(FontFace, f32)>,
}

impl Canvas<'_> {
    fn new<'a>(fonts: &'a Fonts, ids: &'a BTreeMap<FontFace, printpdf::FontId>, page_h: f32) -> Canvas<'a> {
        Canvas { fonts, ids, page_h, ops: Vec::with_capacity(1024), fill: None, text: None, font: None }
    }

    /// Ends the text object, if one is open.
    fn end_text(&mut self) {
        if self.text.take().is_some() {
            self.ops.push(Op::EndTextSection);
        }
    }

    /// The page's operations.
    fn finish(mut self) -> Vec<Op> {
        self.end_text();
        self.ops
    }

    fn fill(&mut self, ink: Ink) {
        if self.fill != Some(ink.rgb()) {
            self.fill = Some(ink.rgb());
            self.ops.push(Op::SetFillColor { col: colour(ink) });
        }
    }

    fn point(&self, x: f32, y: f32) -> Point {
        Point { x: Pt(round(x / PT)), y: Pt(round((self.page_h - y) / PT)) }
    }

    /// Draws `face` with its top-left corner at (`ox`, `oy`) mm. `image` gives the XObject for
    /// the logo or photo (none: left off).
    fn face(&mut self, face: &Face, ox: f32, oy: f32, image: &dyn Fn(Which) -> Option<XObjectId>) {
        for p in &face.prims {
            self.prim(p, ox, oy, image);
        }
    }

    fn prim(&mut self, p: &Prim, ox: f32, oy: f32, image: &dyn Fn(Which) -> Option<XObjectId>) {
        if !matches!(p, Prim::Text(_)) {
            self.end_text();
        }
        match p {
            Prim::Text(t) => {
                self.fill(t.ink);
                let (mut x, y) = (ox + t.x, oy + t.y);
                for run in shape(self.fonts, &t.text, t.bold) {
                    let width = run.width * t.size * PT;
                    self.run(&run, x, y, t.size);
                    x += width;
                }
            }
            Prim::Fill { x, y, w, h, ink } => {
                self.fill(*ink);
                self.rect(ox + x, oy + y, *w, *h, PaintMode::Fill);
            }
            Prim::Outline { x, y, w, h, width, ink } => {
                self.ops.push(Op::SetOutlineColor { col: colour(*ink) });
                self.ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                self.rect(ox + x, oy + y, *w, *h, PaintMode::Stroke);
            }
            Prim::Line { x1, y1, x2, y2, width, ink } => {
                self.ops.push(Op::SetOutlineColor { col: colour(*ink) });
                self.ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                let points = vec![
                    LinePoint { p: self.point(ox + x1, oy + y1), bezier: false },
                    LinePoint { p: self.point(ox + x2, oy + y2), bezier: false },
                ];
                self.ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
            }
            Prim::Image { which, x, y, w, h } => {
                if let Some(id) = image(*which) {
                    let bottom = self.page_h - (oy + y + h);
                    self.ops.push(Op::SaveGraphicsState);
                    self.ops.push(Op::SetTransformationMatrix {
                        matrix: CurTransMat::Raw([w / PT, 0.0, 0.0, h / PT, (ox + x) / PT, bottom / PT]),
                    });
                    let transform = XObjectTransform { no_auto_scale: true, ..XObjectTransform::default() };
                    self.ops.push(Op::UseXobject { id, transform });
                    self.ops.push(Op::RestoreGraphicsState);
                    self.fill = None;
                }
            }
            Prim::Qr { x, y, module, symbol } => {
                // In module units (y down from the symbol's top-left): whole numbers, so the
                // content stream stays small.
                let q = super::qr::QUIET as f32;
                let (left, top) = (ox + x + q * module, self.page_h - (oy + y + q * module));
                let m = module / PT;
                self.ops.push(Op::SaveGraphicsState);
                self.ops.push(Op::SetTransformationMatrix {
                    matrix: CurTransMat::Raw([m, 0.0, 0.0, -m, round(left / PT), round(top / PT)]),
                });
                // Inside q … Q: the fill colour is set again afterwards.
                self.ops.push(Op::SetFillColor { col: colour(Ink::Black) });
                // One path of whole-number rectangles, filled once (`re` … `re f`): printpdf's
                // rectangles would fill each one and write every number as a decimal.
                for r in &symbol.rects {
                    let value = r.iter().map(|&v| DictItem::Int(i64::from(v))).collect();
                    self.ops.push(Op::Unknown { key: "re".into(), value });
                }
                self.ops.push(Op::Unknown { key: "f".into(), value: Vec::new() });
                self.ops.push(Op::RestoreGraphicsState);
                self.fill = None;
            }
        }
    }

    /// Moves to (`x`, `y`) pt inside the open text object (opening one if needed): `Td` moves
    /// from where the last line started.
    fn move_to(&mut self, x: f32, y: f32) {
        let (last_x, last_y) = match self.text {
            Some(at) => at,
            None => {
                self.ops.push(Op::StartTextSection);
                (0.0, 0.0)
            }
        };
        let (x, y) = (round(x), round(y));
        self.ops.push(Op::SetTextCursor { pos: Point { x: Pt(x - last_x), y: Pt(y - last_y) } });
        self.text = Some((x, y));
    }

    /// Draws a shaped run with its left end at `x` mm on the baseline `y` mm. Each glyph goes
    /// where the shaper put it: `TJ` adjustments make up the difference between the shaped
    /// advance and the font's own, and glyphs raised or lowered (Arabic and Indic marks) start
    /// a new segment at their height. A left-to-right run that is not simply one glyph per
    /// character (reordered, conjuncts) is marked with its text as `/ActualText`, so it copies
    /// and searches as it was typed.
    fn run(&mut self, run: &Run, x: f32, y: f32, size: f32) {
        let Some(id) = self.ids.get(&run.face).cloned() else { return };
        // Right-to-left runs are written in drawing order and read back reversed by PDF readers
        // (as the documents' are), so they carry no /ActualText: each glyph maps to its
        // characters, a ligature's in drawing order.
        let actual = !run.rtl && (run.glyphs.len() != run.text.chars().count() || run.face.family > FontFamily::Noto);
        if actual {
            self.end_text();
            let mut text = vec![0xFE, 0xFF];
            text.extend(run.text.encode_utf16().flat_map(u16::to_be_bytes));
            let map = BTreeMap::from([("ActualText".to_string(), DictItem::String { data: text, literal: false })]);
            self.ops
                .push(Op::BeginMarkedContentWithProperties { tag: "Span".into(), properties: DictItem::Dict { map } });
        }
        if self.font != Some((run.face, size)) {
            self.font = Some((run.face, size));
            self.ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(size) });
        }
        let (left, base) = (x / PT, (self.page_h - y) / PT);
        let mut pen = 0.0_f32;
        let mut i = 0;
        while i < run.glyphs.len() {
            let rise = run.glyphs[i].y_offset;
            self.move_to(left + pen * size, base + rise * size);
            let mut items: Vec<TextItem> = Vec::new();
            while i < run.glyphs.len() && run.glyphs[i].y_offset == rise {
                let g = &run.glyphs[i];
                if g.x_offset != 0.0 {
                    items.push(TextItem::Offset(round(-g.x_offset * 1000.0)));
                }
                // What the viewer will move by is the font's own advance: adjust to the shaped one.
                let after = (self.fonts.advance(run.face, g.id) - g.advance + g.x_offset) * 1000.0;
                let first_of_cluster = i == 0 || run.glyphs[i - 1].cluster != g.cluster;
                let text = run.text.get(g.cluster.clone()).filter(|t| first_of_cluster && !t.is_empty());
                let text = match text {
                    Some(t) if run.rtl => t.chars().rev().collect(),
                    Some(t) => t.to_string(),
                    None => "\u{200B}".to_string(),
                };
                let mut glyph = printpdf::Codepoint::with_cid(g.id, 0.0, text);
                glyph.offset = round(after);
                items.push(TextItem::GlyphIds(vec![glyph]));
                pen += g.advance;
                i += 1;
            }
            self.ops.push(Op::ShowText { items });
        }
        if actual {
            self.end_text();
            self.ops.push(Op::EndMarkedContent);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        let mut rect = Rect::from_xywh(
            Pt(round(x / PT)),
            Pt(round((self.page_h - y - h) / PT)),
            Pt(round(w / PT)),
            Pt(round(h / PT)),
        );
        rect.mode = Some(mode);
        self.ops.push(Op::DrawRectangle { rectangle: rect });
    }
}

/// Five capital letters from a hash (FNV-1a) of `seed`.
fn tag(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..5).map(|i| char::from(b'A' + ((h >> (i * 12)) % 26) as u8)).collect()
}

/// A PDF being made: the document, its fonts, and the images embedded so far.
struct Doc {
    doc: PdfDocument,
    ids: BTreeMap<FontFace, printpdf::FontId>,
    /// Images by their bytes' address and use: `None` if one could not be read.
    images: HashMap<(usize, Which), Option<XObjectId>>,
    pages: Vec<PdfPage>,
    warnings: Vec<String>,
}

impl Doc {
    /// `seed` distinguishes this document's font subsets from another's (their tags); `faces`
    /// are the fonts its text uses (only those are embedded).
    fn new(fonts: &Fonts, title: &str, seed: &str, faces: &BTreeSet<FontFace>) -> Result<Doc> {
        let mut doc = PdfDocument::new(title);
        let mut ids = BTreeMap::new();
        for (i, &face) in faces.iter().enumerate() {
            // Short resource names (every text run in the content names its font) that are also
            // the subsets' six-capital tags ("KQWZMA+AtkinsonHyperlegibleNext-Regular"): five
            // letters from the document's content, one for the face.
            let parsed =
                fonts.parsed(face).ok_or_else(|| Error::Pdf(format!("the font {} could not be read", face.name())))?;
            let random = doc.add_font(parsed);
            let font = doc.resources.fonts.map.remove(&random).expect("just added");
            let id = printpdf::FontId(format!("{}{}", tag(seed), char::from(b'A' + i as u8)));
            doc.resources.fonts.map.insert(id.clone(), font);
            ids.insert(face, id);
        }
        Ok(Doc { doc, ids, images: HashMap::new(), pages: Vec::new(), warnings: Vec::new() })
    }

    /// Embeds the card's logo and photo (once per distinct image); returns their XObjects.
    fn images(&mut self, card: &Card) -> (Option<XObjectId>, Option<XObjectId>) {
        let mut get = |img: Option<&super::CardImage>, which: Which| {
            let img = img?;
            let key = (std::sync::Arc::as_ptr(&img.bytes) as usize, which);
            if let Some(found) = self.images.get(&key) {
                return found.clone();
            }
            let max = if which == Which::Logo { LOGO_PX } else { PHOTO_PX };
            let id = match images::xobject(img, max) {
                Ok(x) => Some(self.doc.add_xobject(&x)),
                Err(e) => {
                    let what = if which == Which::Logo { "the logo" } else { "the photo" };
                    let whose = if which == Which::Logo { String::new() } else { format!("{}: ", card.number) };
                    self.warnings.push(format!(
                        "{whose}{what} could not be read ({e}) and was left off: choose the {} again",
                        if which == Which::Logo { "logo in Settings" } else { "photo" }
                    ));
                    None
                }
            };
            self.images.insert(key, id.clone());
            id
        };
        (get(card.logo.as_ref(), Which::Logo), get(card.photo.as_ref(), Which::Photo))
    }

    fn finish(mut self, title: &str, author: &str, subject: &str, created: chrono::NaiveDateTime) -> Result<Printed> {
        let pages = self.pages.len();
        self.doc.with_pages(std::mem::take(&mut self.pages));
        let created = crate::pdf::pdf_date(created);
        let meta = &mut self.doc.metadata.info;
        meta.document_title = title.to_string();
        meta.author = author.to_string();
        meta.subject = subject.to_string();
        meta.creator = "Carers Desk".into();
        meta.producer = "Carers Desk".into();
        meta.creation_date = created;
        meta.modification_date = created;
        meta.metadata_date = created;
        // Images are written as made by `images::xobject` (no re-encoding). `secure: false` lets
        // the QR codes' raw path operators through (every operator here is the engine's own).
        let options =
            PdfSaveOptions { subset_fonts: true, image_optimization: None, secure: false, ..PdfSaveOptions::default() };
        let bytes = save(&self.doc, &options);
        if !bytes.starts_with(b"%PDF-") {
            return Err(Error::Pdf("the PDF writer produced no document".into()));
        }
        Ok(Printed { bytes, pages, warnings: self.warnings })
    }
}

/// What `PdfDocument::save` does, but compressing the streams (Flate, as printpdf would) on
/// several threads: with a thousand cards, compressing the pages is much of the work.
fn save(doc: &PdfDocument, options: &PdfSaveOptions) -> Vec<u8> {
    let mut lopdf = doc.to_lopdf_document(&PdfSaveOptions { optimize: false, ..options.clone() }, &mut Vec::new());
    if options.optimize {
        let mut streams: Vec<_> = lopdf
            .objects
            .values_mut()
            .filter_map(|o| o.as_stream_mut().ok())
            .filter(|s| s.allows_compression)
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        // Interleaved, so each thread gets a share of the big pages.
        let mut shares: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, s) in streams.drain(..).enumerate() {
            shares[i % threads].push(s);
        }
        std::thread::scope(|scope| {
            for share in shares {
                scope.spawn(move || {
                    for stream in share {
                        // A stream that fails to compress is written as it is.
                        let _ = stream.compress();
                    }
                });
            }
        });
    }
    let mut bytes = Vec::new();
    if lopdf.save_to(&mut bytes).is_err() {
        bytes.clear();
    }
    bytes
}

/// The page size (mm) of a layout.
fn page_size(layout: &Layout) -> (f32, f32) {
    match layout {
        Layout::Single => (ID1_WIDTH, ID1_HEIGHT),
        Layout::Sheet { stock, .. } => (stock.page_width, stock.page_height),
    }
}

pub(crate) fn placements(setup: &PrintSetup, count: usize) -> Vec<Placement> {
    let (dx, dy) = (setup.offset_x_mm, setup.offset_y_mm);
    let mut out = Vec::with_capacity(count * 2);
    for card in 0..count {
        match &setup.layout {
            Layout::Single => {
                for (k, front) in [(0, true), (1, false)] {
                    out.push(Placement {
                        card,
                        page: card * 2 + k,
                        front,
                        x_mm: dx,
                        y_mm: dy,
                        width_mm: ID1_WIDTH,
                        height_mm: ID1_HEIGHT,
                    });
                }
            }
            Layout::Sheet { stock, .. } => {
                let per = stock.per_sheet().max(1) as usize;
                let (sheet, i) = (card / per, (card % per) as u32);
                for (k, front, (x, y)) in [(0, true, stock.front(i)), (1, false, stock.back(i))] {
                    out.push(Placement {
                        card,
                        page: sheet * 2 + k,
                        front,
                        x_mm: x + dx,
                        y_mm: y + dy,
                        width_mm: stock.card_width,
                        height_mm: stock.card_height,
                    });
                }
            }
        }
    }
    out
}

/// Crop marks for a page of cards at `positions`: short lines in the page margins lined up
/// with the cards' edges, never over a card.
fn crop_marks(stock: &Stock, positions: &[(f32, f32)]) -> Vec<Prim> {
    let (cw, ch) = (stock.card_width, stock.card_height);
    let mut xs: Vec<f32> = positions.iter().flat_map(|&(x, _)| [x, x + cw]).collect();
    let mut ys: Vec<f32> = positions.iter().flat_map(|&(_, y)| [y, y + ch]).collect();
    for v in [&mut xs, &mut ys] {
        v.sort_by(f32::total_cmp);
        v.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    }
    let (Some(&left), Some(&right), Some(&top), Some(&bottom)) = (xs.first(), xs.last(), ys.first(), ys.last()) else {
        return Vec::new();
    };
    let line = |x1: f32, y1: f32, x2: f32, y2: f32| Prim::Line { x1, y1, x2, y2, width: 0.3, ink: Ink::Black };
    let mut out = Vec::new();
    // Toward a page edge from `from` (a card edge + the gap), `dir` = -1 or +1, stopping short
    // of the edge at `limit`.
    let span = |from: f32, dir: f32, limit: f32| -> Option<(f32, f32)> {
        let start = from + dir * MARK_GAP;
        let end = start + dir * MARK_LEN;
        let end = if dir < 0.0 { end.max(limit) } else { end.min(limit) };
        ((end - start).abs() >= 1.0).then_some((start, end))
    };
    for &x in &xs {
        if let Some((a, b)) = span(top, -1.0, MARK_EDGE) {
            out.push(line(x, a, x, b));
        }
        if let Some((a, b)) = span(bottom, 1.0, stock.page_height - MARK_EDGE) {
            out.push(line(x, a, x, b));
        }
    }
    for &y in &ys {
        if let Some((a, b)) = span(left, -1.0, MARK_EDGE) {
            out.push(line(a, y, b, y));
        }
        if let Some((a, b)) = span(right, 1.0, stock.page_width - MARK_EDGE) {
            out.push(line(a, y, b, y));
        }
    }
    out
}

/// The fonts the text of `faces` is drawn with.
fn faces_used<'a>(fonts: &Fonts, faces: impl IntoIterator<Item = &'a Face>) -> BTreeSet<FontFace> {
    let mut used = BTreeSet::new();
    for face in faces {
        for p in &face.prims {
            if let Prim::Text(t) = p {
                used.extend(shape(fonts, &t.text, t.bold).into_iter().map(|r| r.face));
            }
        }
    }
    used
}

/// Lays out every card's front and back on a `size` face, on several threads when there are
/// many (the layout and the QR codes are much of the work).
/// `stock`: sheets, whose fronts bleed as far as each position allows ([`Stock::bleed`]).
fn lay_out(fonts: &'static Fonts, cards: &[Card], (w, h): (f32, f32), stock: Option<Stock>) -> Vec<(Face, Face)> {
    let bleed = move |i: usize| stock.map_or((0.0, 0.0), |s| s.bleed((i % s.per_sheet().max(1) as usize) as u32));
    let one = move |(i, c): (usize, &Card)| (layout::front(fonts, c, w, h, bleed(i)), layout::back(fonts, c, w, h));
    let indexed: Vec<(usize, &Card)> = cards.iter().enumerate().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if threads < 2 || cards.len() < 32 {
        return indexed.into_iter().map(one).collect();
    }
    let chunk = cards.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = indexed
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().copied().map(one).collect::<Vec<_>>()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

// Long: cards placed on sheets in one pass, front then back, with progress per card.
pub(crate) fn render(cards: &[Card], setup: &PrintSetup, progress: &mut dyn FnMut(usize, usize)) -> Result<Printed> {
    if cards.is_empty() {
        return Err(Error::field("ids", "choose at least one passport to print"));
    }
    let fonts = fonts()?;
    let seed: String = cards.iter().map(|c| c.number.as_str()).chain([setup.title.as_str()]).collect();
    let total = cards.len();
    let (page_w, page_h) = page_size(&setup.layout);
    let (size, sheet) = match &setup.layout {
        Layout::Single => ((ID1_WIDTH, ID1_HEIGHT), None),
        Layout::Sheet { stock, .. } => ((stock.card_width, stock.card_height), Some(*stock)),
    };
    let laid = lay_out(fonts, cards, size, sheet);
    let mut doc = Doc::new(fonts, &setup.title, &seed, &faces_used(fonts, laid.iter().flat_map(|(f, b)| [f, b])))?;
    let ids = doc.ids.clone();
    let (dx, dy) = (setup.offset_x_mm, setup.offset_y_mm);
    let mut done = 0;
    let mut report = |done: usize| {
        if done.is_multiple_of(10) || done == total {
            progress(done, total);
        }
    };

    match &setup.layout {
        Layout::Single => {
            for (card, (front, back)) in cards.iter().zip(laid) {
                let (logo, photo) = doc.images(card);
                let image = |w: Which| if w == Which::Logo { logo.clone() } else { photo.clone() };
                for face in [&front, &back] {
                    let mut canvas = Canvas::new(fonts, &ids, page_h);
                    canvas.face(face, dx, dy, &image);
                    doc.pages.push(PdfPage::new(Mm(page_w), Mm(page_h), canvas.finish()));
                }
                doc.warnings.extend(front.warnings.into_iter().chain(back.warnings));
                done += 1;
                report(done);
            }
        }
        Layout::Sheet { stock, crop_marks: marks } => {
            let per = stock.per_sheet().max(1) as usize;
            let mut faces = laid.into_iter();
            for sheet in cards.chunks(per) {
                let n = sheet.len() as u32;
                let fronts: Vec<(f32, f32)> = (0..n).map(|i| stock.front(i)).collect();
                let backs: Vec<(f32, f32)> = (0..n).map(|i| stock.back(i)).collect();
                let all_fronts: Vec<(f32, f32)> = (0..stock.per_sheet()).map(|i| stock.front(i)).collect();
                let all_backs: Vec<(f32, f32)> = (0..stock.per_sheet()).map(|i| stock.back(i)).collect();
                let mut front_page = Canvas::new(fonts, &ids, page_h);
                let mut back_page = Canvas::new(fonts, &ids, page_h);
                if *marks {
                    // Marks for the whole sheet, so a part-filled last sheet cuts the same way.
                    for p in crop_marks(stock, &all_fronts) {
                        front_page.prim(&p, dx, dy, &|_| None);
                    }
                    for p in crop_marks(stock, &all_backs) {
                        back_page.prim(&p, dx, dy, &|_| None);
                    }
                }
                let mut warnings = Vec::new();
                for (i, card) in sheet.iter().enumerate() {
                    let (logo, photo) = doc.images(card);
                    let image = |w: Which| if w == Which::Logo { logo.clone() } else { photo.clone() };
                    let (front, back) = faces.next().expect("a layout for every card");
                    front_page.face(&front, fronts[i].0 + dx, fronts[i].1 + dy, &image);
                    back_page.face(&back, backs[i].0 + dx, backs[i].1 + dy, &image);
                    warnings.extend(front.warnings.into_iter().chain(back.warnings));
                    done += 1;
                    report(done);
                }
                let (front_ops, back_ops) = (front_page.finish(), back_page.finish());
                doc.pages.push(PdfPage::new(Mm(page_w), Mm(page_h), front_ops));
                doc.pages.push(PdfPage::new(Mm(page_w), Mm(page_h), back_ops));
                doc.warnings.extend(warnings);
            }
        }
    }
    let subject = match cards.len() {
        1 => "Carer passport card".to_string(),
        n => format!("{n} carer passport cards"),
    };
    doc.finish(&setup.title, &setup.author, &subject, setup.created)
}

pub(crate) fn calibration(
    stock: &Stock,
    offset_x_mm: f32,
    offset_y_mm: f32,
    author: &str,
    created: chrono::NaiveDateTime,
) -> Result<Printed> {
    let fonts = fonts()?;
    let title = format!("Calibration sheet: {}", stock.name);
    let face = layout::calibration(fonts, stock, (offset_x_mm, offset_y_mm));
    let seed = format!("{title} {offset_x_mm} {offset_y_mm}");
    let mut doc = Doc::new(fonts, &title, &seed, &faces_used(fonts, [&face]))?;
    let page_h = if stock.page_height > 0.0 { stock.page_height } else { A4_HEIGHT };
    let page_w = if stock.page_width > 0.0 { stock.page_width } else { A4_WIDTH };
    let mut canvas = Canvas::new(fonts, &doc.ids, page_h);
    canvas.face(&face, offset_x_mm, offset_y_mm, &|_| None);
    let ops = canvas.finish();
    doc.pages.push(PdfPage::new(Mm(page_w), Mm(page_h), ops));
    doc.finish(&title, author, "Card printer calibration", created)
}
