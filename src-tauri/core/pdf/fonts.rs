//! The vendored fonts, per-character fallback and text measuring.
//!
//! Atkinson Hyperlegible Next is tried first for every character; a character it lacks is drawn
//! with Noto Sans of the same weight (Cyrillic, Greek, most of Vietnamese's stacked accents, ...).
//! A character neither has is replaced before layout (see [`clean`]), so nothing is ever drawn
//! as an empty box. Widths come from the fonts' own advance widths (`hmtx`) through printpdf's
//! `ParsedFont`; the engine applies no kerning or shaping, and neither does the PDF it writes,
//! so what is measured is exactly what is drawn.

use std::sync::OnceLock;

use printpdf::ParsedFont;

const ATKINSON_REGULAR: &[u8] = include_bytes!("fonts/AtkinsonHyperlegibleNext-Regular.ttf");
const ATKINSON_BOLD: &[u8] = include_bytes!("fonts/AtkinsonHyperlegibleNext-Bold.ttf");
const NOTO_REGULAR: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
const NOTO_BOLD: &[u8] = include_bytes!("fonts/NotoSans-Bold.ttf");

/// Which vendored family draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Family {
    Atkinson,
    Noto,
}

/// One face: a family in a weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Face {
    pub family: Family,
    pub bold: bool,
}

impl Face {
    pub(crate) const ALL: [Face; 4] = [
        Face { family: Family::Atkinson, bold: false },
        Face { family: Family::Atkinson, bold: true },
        Face { family: Family::Noto, bold: false },
        Face { family: Family::Noto, bold: true },
    ];

    fn index(self) -> usize {
        match (self.family, self.bold) {
            (Family::Atkinson, false) => 0,
            (Family::Atkinson, true) => 1,
            (Family::Noto, false) => 2,
            (Family::Noto, true) => 3,
        }
    }
}

struct Loaded {
    font: ParsedFont,
    units_per_em: f32,
}

/// The four parsed faces, parsed once per process.
pub(crate) struct Fonts {
    faces: Vec<Loaded>,
    replacement: char,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The parsed vendored fonts (parsed on first use).
pub(crate) fn fonts() -> crate::error::Result<&'static Fonts> {
    FONTS.get_or_init(load).as_ref().map_err(|e| crate::error::Error::Pdf(e.clone()))
}

fn load() -> Result<Fonts, String> {
    let mut faces = Vec::with_capacity(4);
    for (name, bytes) in [
        ("Atkinson Hyperlegible Next Regular", ATKINSON_REGULAR),
        ("Atkinson Hyperlegible Next Bold", ATKINSON_BOLD),
        ("Noto Sans Regular", NOTO_REGULAR),
        ("Noto Sans Bold", NOTO_BOLD),
    ] {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("the font {name} could not be read"))?;
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        faces.push(Loaded { font, units_per_em });
    }
    let mut fonts = Fonts { faces, replacement: '?' };
    if fonts.face_for('\u{FFFD}', false).is_some() && fonts.face_for('\u{FFFD}', true).is_some() {
        fonts.replacement = '\u{FFFD}';
    }
    Ok(fonts)
}

/// Combining diacritical marks (U+0300-U+036F) stay in the run of the letter they sit on when
/// that font has them, so a decomposed accent is not drawn in another font.
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

impl Fonts {
    fn has(&self, face: Face, c: char) -> bool {
        self.faces[face.index()].font.lookup_glyph_index(c as u32).is_some_and(|gid| gid != 0)
    }

    /// The face that draws `c`: Atkinson if it has the character, else Noto Sans, else none.
    pub(crate) fn face_for(&self, c: char, bold: bool) -> Option<Face> {
        [Family::Atkinson, Family::Noto].into_iter().map(|family| Face { family, bold }).find(|&f| self.has(f, c))
    }

    /// The parsed font of a face, for embedding.
    pub(crate) fn parsed(&self, face: Face) -> &ParsedFont {
        &self.faces[face.index()].font
    }

    /// What `c` is replaced with when no vendored font has it: U+FFFD if a font has that,
    /// else `?`.
    pub(crate) fn replacement(&self) -> char {
        self.replacement
    }

    /// Advance width of one character in points (0 for a character no font has).
    fn char_width(&self, face: Face, c: char, size: f32) -> f32 {
        let loaded = &self.faces[face.index()];
        match loaded.font.lookup_glyph_index(c as u32) {
            Some(gid) => f32::from(loaded.font.get_horizontal_advance(gid)) * size / loaded.units_per_em,
            None => 0.0,
        }
    }

    /// Width of `text` (already [`clean`]ed) in points at `size`, in the given weight.
    pub(crate) fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        self.runs(text, bold)
            .iter()
            .map(|(face, run)| run.chars().map(|c| self.char_width(*face, c, size)).sum::<f32>())
            .sum()
    }

    /// Splits `text` (already [`clean`]ed) into runs of consecutive characters drawn with the
    /// same face. Characters no font has (there are none after `clean`) go with Atkinson.
    pub(crate) fn runs(&self, text: &str, bold: bool) -> Vec<(Face, String)> {
        let mut runs: Vec<(Face, String)> = Vec::new();
        let primary = Face { family: Family::Atkinson, bold };
        for c in text.chars() {
            let face = match runs.last() {
                Some((last, _)) if (c == ' ' || is_combining(c)) && self.has(*last, c) => *last,
                _ => self.face_for(c, bold).unwrap_or(primary),
            };
            match runs.last_mut() {
                Some((last, run)) if *last == face => run.push(c),
                _ => runs.push((face, c.to_string())),
            }
        }
        runs
    }

    /// Whether some vendored font (in either weight) draws `c`.
    fn printable(&self, c: char) -> bool {
        self.face_for(c, false).is_some() && self.face_for(c, true).is_some()
    }
}

/// Characters of `text` that no vendored font can draw, each once, in order of first
/// appearance. They are printed as U+FFFD (or `?`); callers can use this to warn the user before
/// printing. Line breaks and tabs are not counted (they are layout, not glyphs).
pub fn unprintable(text: &str) -> Vec<char> {
    let Ok(fonts) = fonts() else { return Vec::new() };
    let mut out = Vec::new();
    for c in text.chars() {
        if c.is_control() || out.contains(&c) {
            continue;
        }
        if !fonts.printable(c) {
            out.push(c);
        }
    }
    out
}

/// The text as it will be printed: tabs and other control characters become spaces (line
/// breaks are kept), and characters no font has become the replacement character.
pub(crate) fn clean(fonts: &Fonts, text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            c if c.is_control() => ' ',
            c if fonts.printable(c) => c,
            _ => fonts.replacement(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    #[test]
    fn latin_text_is_one_atkinson_run() {
        let runs = f().runs("Jane Doe, 12 Elm Road", false);
        assert_eq!(runs, vec![(Face { family: Family::Atkinson, bold: false }, "Jane Doe, 12 Elm Road".to_string())]);
    }

    #[test]
    fn cyrillic_falls_back_to_noto_in_the_same_weight() {
        let runs = f().runs("Carer: Олена Шевченко", true);
        assert_eq!(runs[0], (Face { family: Family::Atkinson, bold: true }, "Carer: ".to_string()));
        assert_eq!(runs[1], (Face { family: Family::Noto, bold: true }, "Олена Шевченко".to_string()));
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn vietnamese_runs_cover_every_character_and_use_noto_where_atkinson_lacks_a_glyph() {
        let fonts = f();
        let text = "Nguyễn Thị Hồng";
        let runs = fonts.runs(text, false);
        let joined: String = runs.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(joined, text);
        for (face, run) in &runs {
            for c in run.chars() {
                assert!(fonts.has(*face, c), "{c:?} drawn with {face:?}, which lacks it");
            }
        }
        // Every run break is a change of face.
        assert!(runs.windows(2).all(|w| w[0].0 != w[1].0));
    }

    #[test]
    fn greek_is_printable() {
        assert!(unprintable("Ελένη Παπαδοπούλου").is_empty());
    }

    #[test]
    fn unprintable_lists_each_missing_character_once() {
        assert_eq!(unprintable("Jane Doe"), Vec::<char>::new());
        assert_eq!(unprintable("Олена\nNguyễn\tThị"), Vec::<char>::new());
        // Chinese and Devanagari are not covered by the vendored fonts.
        assert_eq!(unprintable("王王 नमस्ते"), vec!['王', 'न', 'म', 'स', '्', 'त', 'े']);
    }

    #[test]
    fn clean_replaces_unprintable_characters_and_controls() {
        let fonts = f();
        let r = fonts.replacement();
        assert_eq!(clean(fonts, "a\tb\n王"), format!("a b\n{r}"));
        assert!(fonts.printable(r));
    }

    #[test]
    fn widths_add_up_from_advance_widths() {
        let fonts = f();
        let a = fonts.width("Hello", false, 10.0);
        let b = fonts.width(" world", false, 10.0);
        assert!((fonts.width("Hello world", false, 10.0) - (a + b)).abs() < 1e-3);
        assert!((fonts.width("Hello", false, 20.0) - 2.0 * a).abs() < 1e-3);
        assert!(fonts.width("Hello", true, 10.0) > a * 0.9);
        assert_eq!(fonts.width("", false, 10.0), 0.0);
    }
}
