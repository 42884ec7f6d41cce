//! Passports printed as cards: the card's design, laid out once as positioned shapes and text
//! ([`layout`]), then drawn either into a PDF ([`render`], [`calibration`]) or as SVG for the
//! on-screen preview ([`preview_svg`]), so what the window shows is what prints.
//!
//! Everything here works from plain structs ([`Card`], [`PrintSetup`]): no database. The
//! passport records decide what a card may say (consent) before a [`Card`] is made.
//!
//! - Size: ISO/IEC 7810 ID-1 (85.60 × 53.98 mm) for card printers, or the card size of a sheet
//!   stock (85 × 54 mm on Avery C32011, 90 × 52 mm on L7414-style stock); the design adapts.
//! - Front: the organisation's logo and name, a dark band with the card's title ("Carer",
//!   "Young Carer", ...) and where it is used, the holder's name large (long names shrink, then
//!   wrap to two lines, then are shortened with an ellipsis: they never overlap anything), who
//!   they care for (only when consent was recorded), the passport number, valid until, and an
//!   optional photo on the right.
//! - Back: "You may ask for:" (the list shrinks to 6 pt, then ends with "and N more"), the
//!   emergency contact (only when consent was recorded), the organisation's phone, the "if
//!   found" text, and a QR code (error correction M, 4-module quiet zone kept clear) holding the
//!   passport number and the organisation's phone.
//! - Text is Atkinson Hyperlegible Next (Noto Sans for characters it lacks), black or white on
//!   one dark band colour, never smaller than 6 pt, and extractable from the PDF.
//! - Sheets: fronts on one A4 page at the stock's positions, backs on the next page mirrored so
//!   that, printed long-edge duplex, each back lands behind its front; optional crop marks in
//!   the page margins only; a printer offset moves everything printed.
//! - A logo shared by every card (the same [`std::sync::Arc`]) is embedded once per PDF.
//!
//! The engine reads no clock: the creation date is [`PrintSetup::created`].

mod draw;
mod images;
mod layout;
mod qr;
mod svg;

use std::sync::Arc;

use super::number::Kind;
use crate::card_stock::Stock;
use crate::error::Result;

/// The largest logo or photo file accepted.
pub const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The largest width and height of a logo or photo, in pixels.
pub const IMAGE_MAX_PIXELS: u32 = 4000;
/// The smallest width and height of a logo or photo, in pixels.
pub const IMAGE_MIN_PIXELS: u32 = 16;

/// The distance from a card's edges inside which the design keeps its text and pictures (the
/// dark band on the front runs to the edges), in millimetres.
pub const SAFE_MARGIN_MM: f32 = layout::MARGIN;
/// The box the logo is fitted into (aspect ratio kept), at the top-left of the front inside the
/// safe margin, vertically centred in it: width and height in millimetres.
pub const LOGO_BOX_MM: (f32, f32) = (layout::LOGO_W, layout::HEADER_H);
/// The smallest text on a card, in points.
pub const MIN_TEXT_PT: f32 = layout::MIN_SIZE;

/// How a logo or photo is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Png,
    Jpeg,
}

impl ImageFormat {
    /// The MIME type, for `data:` URIs.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
        }
    }
}

/// A checked logo or photo (see [`check_image`]). Cards in one batch share the logo's `Arc`:
/// the PDF embeds each distinct image once.
#[derive(Debug, Clone, PartialEq)]
pub struct CardImage {
    pub bytes: Arc<Vec<u8>>,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
}

/// Checks a logo or photo file (`what` is "logo" or "photo", used in the messages): a PNG or
/// JPEG by its content (not its name), at most 2 MB, at most 4000 × 4000 pixels and at least
/// 16 × 16. Reads the image's header, not every pixel: a file damaged further in is left off the
/// card when printing, with a warning. The error message is lower-case and says what to do.
pub fn check_image(bytes: &[u8], what: &str) -> std::result::Result<CardImage, String> {
    images::check(bytes, what)
}

/// What one card says. Built by the passport records from what may be printed (consent).
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub kind: Kind,
    /// "Carer", "Young Carer", "Hospital Carer", "Working Carer".
    pub title: String,
    /// The organisation's name (may be long: it shrinks and wraps).
    pub organisation: String,
    pub organisation_phone: Option<String>,
    /// The same `Arc` for every card in a batch: embedded once per PDF.
    pub logo: Option<CardImage>,
    /// Large; long names shrink, then wrap to two lines; never overlap anything.
    pub holder_name: String,
    /// "CP-004217-F".
    pub number: String,
    /// Printed "Valid until 30/11/2027".
    pub valid_until: chrono::NaiveDate,
    /// Where the card is used ("St Mary's Hospital"), beside the title.
    pub setting: Option<String>,
    /// The cared-for person's first name ("Cares for Maya"), only when consent was recorded.
    pub cared_for: Option<String>,
    pub photo: Option<CardImage>,
    /// The back's "You may ask for:" list.
    pub asks: Vec<String>,
    /// The back's emergency contact ("Sam Lee (aunt) 07700 900123"; the card adds "In an
    /// emergency:"), only when consent was recorded.
    pub emergency_contact: Option<String>,
    /// The back's "if found" text.
    pub if_found: String,
    /// The QR code's text, e.g. "Carer passport CP-004217-F\nCall 020 7946 0018".
    pub qr_text: String,
}

/// How cards are put on paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// One card per page at exact ID-1 size, front then back: for card printers.
    Single,
    /// A4 sheets of card stock: a page of fronts at the stock's positions, then a page of backs
    /// mirrored for long-edge duplex; optional crop marks in the margins.
    Sheet { stock: Stock, crop_marks: bool },
}

/// How to print a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSetup {
    pub layout: Layout,
    /// The printer offset: everything printed moves this far right (x) and down (y), in mm.
    pub offset_x_mm: f32,
    pub offset_y_mm: f32,
    /// PDF metadata.
    pub title: String,
    pub author: String,
    /// Written as UTC (the engine reads no clock).
    pub created: chrono::NaiveDateTime,
}

/// A rendered PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// What did not fit or could not be drawn, per card ("CP-004217-F: ...").
    pub warnings: Vec<String>,
}

/// Where one face of a card lands on the paper (millimetres from the page's top-left, the
/// printer offset included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The card's index in the batch.
    pub card: usize,
    /// The page (0-based).
    pub page: usize,
    pub front: bool,
    pub x_mm: f32,
    pub y_mm: f32,
    pub width_mm: f32,
    pub height_mm: f32,
}

/// Renders cards to one PDF.
///
/// - [`Layout::Single`]: one ID-1 page (85.60 × 53.98 mm) per face: card 1 front, card 1 back,
///   card 2 front, ...
/// - [`Layout::Sheet`]: A4 pages: a fronts page (up to the stock's cards per sheet, at
///   `stock.front(i)`), then a backs page (`stock.back(i)`: mirrored for long-edge duplex), and
///   so on for the next sheet.
///
/// The offsets move everything printed. `progress(done, total)` is called as cards are drawn:
/// at least every 10 cards and at the end. Fonts are embedded and subset; each distinct logo or
/// photo is embedded once.
pub fn render(cards: &[Card], setup: &PrintSetup, progress: &mut dyn FnMut(usize, usize)) -> Result<Printed> {
    draw::render(cards, setup, progress)
}

/// Where every face of `count` cards lands (the same positions [`render`] uses).
pub fn placements(setup: &PrintSetup, count: usize) -> Vec<Placement> {
    draw::placements(setup, count)
}

/// A one-page A4 calibration sheet for a stock: every card's outline where this printer will
/// put it (with the offset), millimetre rulers across the edges of the first and last cards,
/// crosses at their centres, and instructions: print at 100 % ("actual size") on plain paper,
/// hold it against a blank sheet of the card stock up to the light, read where the real card
/// edges fall on the rulers, and add that to the offset in Settings.
pub fn calibration(
    stock: &Stock,
    offset_x_mm: f32,
    offset_y_mm: f32,
    author: &str,
    created: chrono::NaiveDateTime,
) -> Result<Printed> {
    draw::calibration(stock, offset_x_mm, offset_y_mm, author, created)
}

/// The card as SVG for the on-screen preview: (front, back), each with `viewBox="0 0 85.6
/// 53.98"` (millimetres, ID-1), images as `data:` URIs, text in "Atkinson Hyperlegible Next"
/// with its measured length (so a substitute font cannot overflow). The same layout the PDF
/// draws.
pub fn preview_svg(card: &Card) -> (String, String) {
    svg::preview(card)
}

/// What will not fit on the card as it is (ID-1): text shortened or left out, each starting with
/// the card's number, for the preview to show beside the pictures. Printing gives the same
/// warnings in [`Printed::warnings`].
pub fn fit_warnings(card: &Card) -> Vec<String> {
    svg::warnings(card)
}
