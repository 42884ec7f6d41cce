//! Shaping: a line of text to positioned glyphs, for documents and cards alike.
//!
//! A line is split into directional runs with the Unicode Bidirectional Algorithm
//! (`unicode-bidi`, base direction left to right: the documents are in English), each
//! directional run into runs of one face (`fonts.rs`), and each of those is shaped with
//! rustybuzz (HarfBuzz's algorithm): Arabic letters join, Indic vowel signs reorder and
//! conjuncts form, and right-to-left runs come out in the order they are drawn. Positions
//! are in em (multiply by the font size for points).

use std::collections::HashMap;
use std::ops::Range;

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};

use super::fonts::{Face, Family, Fonts};

/// One shaped glyph. Advances and offsets are in em; `cluster` is the byte range of the
/// characters it came from in its run's text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub cluster: Range<usize>,
}

/// A run of glyphs from one face and one direction, in drawing order (left to right).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub face: Face,
    /// The run's characters in logical (reading) order.
    pub text: String,
    pub rtl: bool,
    pub glyphs: Vec<Glyph>,
    /// Total advance in em.
    pub width: f32,
}

fn no_ligatures() -> &'static [rustybuzz::Feature] {
    static FEATURES: std::sync::OnceLock<Vec<rustybuzz::Feature>> = std::sync::OnceLock::new();
    FEATURES.get_or_init(|| ["-liga", "-dlig"].iter().filter_map(|f| f.parse().ok()).collect())
}

/// Shapes one face run (`text` in logical order).
fn shape_run(fonts: &Fonts, face: Face, text: &str, rtl: bool) -> Run {
    let Some(loaded) = fonts.loaded(face) else {
        return Run { face, text: text.to_string(), rtl, glyphs: Vec::new(), width: 0.0 };
    };
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
    // Arabic script: no optional ligatures (the font's one for "الله" would copy out of
    // the PDF with its letters reordered); joining and required ligatures stay.
    let features: &[rustybuzz::Feature] = if face.family == Family::Arabic { no_ligatures() } else { &[] };
    let shaped = rustybuzz::shape(&loaded.shaping, features, buffer);
    let em = loaded.units_per_em;
    // Each cluster runs from its start to the next larger cluster start (or the end).
    let mut starts: Vec<usize> = shaped.glyph_infos().iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |start: usize| match starts.binary_search(&start) {
        Ok(i) => starts.get(i + 1).copied().unwrap_or(text.len()),
        Err(_) => text.len(),
    };
    let mut width = 0.0;
    let glyphs = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let advance = pos.x_advance as f32 / em;
            width += advance;
            let start = info.cluster as usize;
            Glyph {
                id: info.glyph_id as u16,
                advance,
                x_offset: pos.x_offset as f32 / em,
                y_offset: pos.y_offset as f32 / em,
                cluster: start..end_of(start),
            }
        })
        .collect();
    Run { face, text: text.to_string(), rtl, glyphs, width }
}

/// Shapes a line (no `\n`): runs in the order they are drawn, left to right.
pub(crate) fn shape(fonts: &Fonts, text: &str, bold: bool) -> Vec<Run> {
    if text.is_empty() {
        return Vec::new();
    }
    let bidi = BidiInfo::new(text, Some(Level::ltr()));
    let mut out = Vec::new();
    for para in &bidi.paragraphs {
        let (levels, directional) = bidi.visual_runs(para, para.range.clone());
        for range in directional {
            let rtl = levels[range.start].is_rtl();
            let piece = &text[range.clone()];
            let mut runs: Vec<Run> =
                fonts.runs(piece, bold).into_iter().map(|(face, r)| shape_run(fonts, face, &piece[r], rtl)).collect();
            if rtl {
                runs.reverse();
            }
            out.extend(runs);
        }
    }
    out
}

/// The width of a line in em.
pub(crate) fn width_em(fonts: &Fonts, text: &str, bold: bool) -> f32 {
    shape(fonts, text, bold).iter().map(|r| r.width).sum()
}

/// The width of a line in points at `size`.
pub(crate) fn width(fonts: &Fonts, text: &str, bold: bool, size: f32) -> f32 {
    width_em(fonts, text, bold) * size
}

/// Measures words, remembering each word's width: layout measures the same words many
/// times (wrapping tries a line word by word, and a mail merge repeats a letter's text).
pub(crate) struct Measure<'a> {
    pub fonts: &'a Fonts,
    /// A word's width in em and the face of its last character (a space after it is drawn in
    /// that face, as [`Fonts::runs`] keeps a space with the run before it).
    words: [HashMap<String, (f32, Option<Face>)>; 2],
    spaces: HashMap<Face, f32>,
}

impl<'a> Measure<'a> {
    pub(crate) fn new(fonts: &'a Fonts) -> Measure<'a> {
        Measure { fonts, words: [HashMap::new(), HashMap::new()], spaces: HashMap::new() }
    }

    /// Width of one word (no spaces) in em, and the face of its last character.
    pub(crate) fn word(&mut self, word: &str, bold: bool) -> (f32, Option<Face>) {
        if let Some(w) = self.words[usize::from(bold)].get(word) {
            return *w;
        }
        let last = self.fonts.runs(word, bold).last().map(|(face, _)| *face);
        let w = (width_em(self.fonts, word, bold), last);
        self.words[usize::from(bold)].insert(word.to_string(), w);
        w
    }

    /// Width of a space after a word drawn in `face` (in that face if it has a space).
    pub(crate) fn space(&mut self, face: Option<Face>, bold: bool) -> f32 {
        let atkinson = Face::new(super::fonts::Family::Atkinson, bold);
        let face = face.filter(|f| self.fonts.has(*f, ' ')).unwrap_or(atkinson);
        if let Some(w) = self.spaces.get(&face) {
            return *w;
        }
        let w = self.fonts.loaded(face).and_then(|l| {
            let id = l.shaping.glyph_index(' ')?;
            Some(l.shaping.glyph_hor_advance(id)? as f32 / l.units_per_em)
        });
        let w = w.unwrap_or(0.25);
        self.spaces.insert(face, w);
        w
    }

    /// Width in points of text made of words separated by single spaces: the words' widths
    /// plus the spaces'. Kerning across a space is ignored (the fonts have none there).
    pub(crate) fn width(&mut self, text: &str, bold: bool, size: f32) -> f32 {
        let mut total = 0.0;
        let mut last: Option<Face> = None;
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                total += self.space(last, bold);
            }
            if !word.is_empty() {
                let (w, face) = self.word(word, bold);
                total += w;
                last = face;
            }
        }
        total * size
    }
}

#[cfg(test)]
mod tests {
    use super::super::fonts::fonts;
    use super::*;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    #[test]
    fn latin_is_one_left_to_right_run_with_a_glyph_a_letter() {
        let runs = shape(f(), "Jane Doe", false);
        assert_eq!(runs.len(), 1);
        assert!(!runs[0].rtl);
        assert_eq!(runs[0].glyphs.len(), 8);
        assert!(runs[0].width > 2.0 && runs[0].width < 6.0, "{}", runs[0].width);
    }

    #[test]
    fn arabic_letters_join_and_run_right_to_left() {
        let text = "محمد";
        let runs = shape(f(), text, false);
        assert_eq!(runs.len(), 1);
        assert!(runs[0].rtl);
        assert_eq!(runs[0].face.family, Family::Arabic);
        // Drawn right to left: the first glyph on the left is the last letter.
        assert_eq!(runs[0].glyphs.first().unwrap().cluster.start, text.rfind('د').unwrap());
        // Joined forms are not the isolated forms of the same letters.
        let isolated: Vec<u16> =
            text.chars().map(|c| shape(f(), &c.to_string(), false)[0].glyphs[0].id).collect::<Vec<_>>();
        let joined: Vec<u16> = runs[0].glyphs.iter().rev().map(|g| g.id).collect();
        assert_ne!(joined, isolated);
    }

    #[test]
    fn mixed_direction_lines_put_runs_in_visual_order() {
        let runs = shape(f(), "Name: محمد علی (C-000123)", false);
        let texts: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts.first().copied(), Some("Name: "));
        let arabic: Vec<&Run> = runs.iter().filter(|r| r.face.family == Family::Arabic).collect();
        assert!(arabic.iter().all(|r| r.rtl));
        assert!(texts.last().unwrap().contains("C-000123"));
    }

    #[test]
    fn devanagari_vowel_sign_i_is_drawn_before_its_consonant() {
        // कि: KA + VOWEL SIGN I; the sign is drawn first (to the left).
        let runs = shape(f(), "कि", false);
        assert_eq!(runs.len(), 1);
        let glyphs = &runs[0].glyphs;
        assert_eq!(glyphs.len(), 2);
        let ka = shape(f(), "क", false)[0].glyphs[0].id;
        assert_eq!(glyphs[1].id, ka, "the consonant comes second");
        // Both glyphs belong to the one cluster.
        assert!(glyphs.iter().all(|g| g.cluster == (0.."कि".len())));
    }

    #[test]
    fn conjuncts_form_in_bengali() {
        // ক্ষ (KA + VIRAMA + SSA) is one conjunct glyph, fewer glyphs than characters.
        let runs = shape(f(), "ক্ষ", false);
        assert!(runs[0].glyphs.len() < 3, "{:?}", runs[0].glyphs);
    }

    #[test]
    fn measured_widths_match_shaped_widths_for_words() {
        let mut m = Measure::new(f());
        for text in ["Jane Doe", "آمنہ بی بی", "আমিনা বেগম", "王 秀英"] {
            let measured = m.width(text, false, 10.0);
            let shaped = width(f(), text, false, 10.0);
            assert!((measured - shaped).abs() < 0.05, "{text}: {measured} vs {shaped}");
        }
    }
}
