//! The card as SVG for the on-screen preview: the same laid-out faces the PDF draws, in
//! millimetres on an ID-1 card, with a rounded white card shape behind them.

use std::fmt::Write;

use base64::Engine;

use super::layout::{self, Face, Ink, Prim, Which, PT};
use super::{Card, CardImage};
use crate::card_stock::{ID1_HEIGHT, ID1_WIDTH};
use crate::pdf::fonts::fonts;

/// ID-1 corner radius (ISO/IEC 7810: 3.18 mm).
const CORNER: f32 = 3.18;

pub(crate) fn preview(card: &Card) -> (String, String) {
    let Ok(fonts) = fonts() else {
        return (empty("Front of the card"), empty("Back of the card"));
    };
    let front = layout::front(fonts, card, ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
    let back = layout::back(fonts, card, ID1_WIDTH, ID1_HEIGHT);
    (draw(&front, card, "Front of the card"), draw(&back, card, "Back of the card"))
}

pub(crate) fn warnings(card: &Card) -> Vec<String> {
    let Ok(fonts) = fonts() else { return Vec::new() };
    let front = layout::front(fonts, card, ID1_WIDTH, ID1_HEIGHT, (0.0, 0.0));
    let back = layout::back(fonts, card, ID1_WIDTH, ID1_HEIGHT);
    front.warnings.into_iter().chain(back.warnings).collect()
}

/// A number for SVG: up to 3 decimals, no trailing zeros.
fn n(v: f32) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(w: f32, h: f32, label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}mm\" height=\"{h}mm\" \
         role=\"img\" aria-label=\"{label}\">",
        w = n(w),
        h = n(h),
        label = escape(label)
    )
}

fn empty(label: &str) -> String {
    format!("{}</svg>", open(ID1_WIDTH, ID1_HEIGHT, label))
}

fn data_uri(img: &CardImage) -> String {
    format!(
        "data:{};base64,{}",
        img.format.mime(),
        base64::engine::general_purpose::STANDARD.encode(img.bytes.as_slice())
    )
}

// Long: one arm per kind of mark on a card, mirroring the PDF drawing in draw.rs.
fn draw(face: &Face, card: &Card, label: &str) -> String {
    let mut s = open(face.w, face.h, label);
    let _ = write!(
        s,
        "<rect x=\"0.1\" y=\"0.1\" width=\"{}\" height=\"{}\" rx=\"{CORNER}\" fill=\"#ffffff\" stroke=\"#b0b0b0\" \
         stroke-width=\"0.2\"/>",
        n(face.w - 0.2),
        n(face.h - 0.2)
    );
    s.push_str("<g font-family=\"'Atkinson Hyperlegible Next', 'Noto Sans', sans-serif\">");
    for p in &face.prims {
        match p {
            Prim::Text(t) => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{} fill=\"{}\" textLength=\"{}\" \
                     lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">{}</text>",
                    n(t.x),
                    n(t.y),
                    n(t.size * PT),
                    if t.bold { " font-weight=\"bold\"" } else { "" },
                    t.ink.hex(),
                    n(t.width),
                    escape(&t.text)
                );
            }
            Prim::Fill { x, y, w, h, ink } => {
                // Clip the band to the card's rounded shape (it never reaches the corners).
                let (x0, x1) = (x.max(0.0), (x + w).min(face.w));
                let _ = write!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    n(x0),
                    n(*y),
                    n(x1 - x0),
                    n(*h),
                    ink.hex()
                );
            }
            Prim::Outline { x, y, w, h, width, ink } => {
                let _ = write!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    n(*x),
                    n(*y),
                    n(*w),
                    n(*h),
                    ink.hex(),
                    n(width * PT)
                );
            }
            Prim::Line { x1, y1, x2, y2, width, ink } => {
                let _ = write!(
                    s,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    n(*x1),
                    n(*y1),
                    n(*x2),
                    n(*y2),
                    ink.hex(),
                    n(width * PT)
                );
            }
            Prim::Image { which, x, y, w, h } => {
                let img = if *which == Which::Logo { card.logo.as_ref() } else { card.photo.as_ref() };
                if let Some(img) = img {
                    let alt = if *which == Which::Logo { "Logo" } else { "Photo of the holder" };
                    let _ = write!(
                        s,
                        "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" href=\"{}\">\
                         <title>{alt}</title></image>",
                        n(*x),
                        n(*y),
                        n(*w),
                        n(*h),
                        data_uri(img)
                    );
                }
            }
            Prim::Qr { x, y, module, symbol } => {
                let q = super::qr::QUIET as f32;
                let _ = write!(
                    s,
                    "<path transform=\"translate({} {}) scale({})\" fill=\"{}\" shape-rendering=\"crispEdges\" d=\"",
                    n(x + q * module),
                    n(y + q * module),
                    n(*module),
                    Ink::Black.hex()
                );
                for r in &symbol.rects {
                    let _ = write!(s, "M{} {}h{}v{}h-{}z", r[0], r[1], r[2], r[3], r[2]);
                }
                s.push_str("\"/>");
            }
        }
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passports::card::layout::tests::sample;

    #[test]
    fn the_preview_has_the_card_size_text_images_and_the_qr_code() {
        let mut card = sample();
        card.holder_name = "Zoë O'Brien & <Sons>".into();
        card.logo.as_mut().unwrap().bytes = std::sync::Arc::new(vec![0x89, b'P', b'N', b'G']);
        let (front, back) = preview(&card);
        for svg in [&front, &back] {
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 85.6 53.98\""), "{svg}");
            assert!(svg.ends_with("</svg>"));
        }
        assert!(front.contains(">Zoë O&#39;Brien &amp; &lt;Sons&gt;</text>"), "{front}");
        assert!(front.contains("href=\"data:image/png;base64,iVBORw==\""), "{front}");
        assert!(front.contains("href=\"data:image/jpeg;base64,\""), "{front}");
        assert!(front.contains(">HP-004217-K</text>"));
        assert!(front.contains("textLength="));
        assert!(back.contains("<path transform=\"translate("), "{back}");
        assert!(back.contains(">You may ask for:</text>"));
        assert!(back.contains(">In an emergency:</text>"), "{back}");
        // Every text size is at least 6 pt (in millimetres).
        for part in front.split("font-size=\"").chain(back.split("font-size=\"")).skip(1) {
            let size: f32 = part.split('"').next().unwrap().parse().unwrap_or(99.0);
            assert!(size >= 6.0 * PT - 1e-3, "{size}");
        }
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(85.6), "85.6");
        assert_eq!(n(53.98), "53.98");
        assert_eq!(n(2.0), "2");
        assert_eq!(n(-0.0001), "0");
    }
}
