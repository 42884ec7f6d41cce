//! The vendored fonts, which font draws which character, and unprintable characters.
//!
//! Every character is drawn by the first face in [`Family::ORDER`] that has it, in the weight
//! asked for: Atkinson Hyperlegible Next (the main font, designed for low vision), Noto Sans
//! (Cyrillic, Greek, Vietnamese), then the Noto fonts for Arabic script (Naskh: Arabic and
//! Urdu), Bengali, Devanagari, Gujarati, Gurmukhi, Tamil and Chinese. Text is then shaped per
//! run of one face (see `shape.rs`), so joined and reordered scripts print as they are written.
//! Chinese has one weight (the font is large): bold Chinese is drawn with a thin outline.
//!
//! A character no face has is never drawn as an empty box or a "?": [`unprintable`] lists
//! such characters and the documents and cards refuse to print them (see `docs/printing.md`).
//!
//! Faces are parsed on first use (the Chinese font only when Chinese is printed).

use std::sync::OnceLock;

use rustybuzz::Face as ShapingFace;

/// Which vendored family draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Family {
    Atkinson,
    Noto,
    Arabic,
    Bengali,
    Devanagari,
    Gujarati,
    Gurmukhi,
    Tamil,
    Chinese,
}

impl Family {
    /// The order faces are tried in for each character.
    pub(crate) const ORDER: [Family; 9] = [
        Family::Atkinson,
        Family::Noto,
        Family::Arabic,
        Family::Bengali,
        Family::Devanagari,
        Family::Gujarati,
        Family::Gurmukhi,
        Family::Tamil,
        Family::Chinese,
    ];

    /// Scripts whose characters join or reorder: marks and joiners stay in their run.
    fn complex(self) -> bool {
        !matches!(self, Family::Atkinson | Family::Noto | Family::Chinese)
    }
}

/// One face: a family in a weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Face {
    pub family: Family,
    pub bold: bool,
}

struct FaceFile {
    name: &'static str,
    bytes: &'static [u8],
}

macro_rules! face_file {
    ($name:literal, $file:literal) => {
        FaceFile { name: $name, bytes: include_bytes!(concat!("fonts/", $file)) }
    };
}

/// Regular then bold for each family; Chinese has no bold file (see [`Face::synthetic_bold`]).
static FILES: [[FaceFile; 2]; 9] = [
    [
        face_file!("Atkinson Hyperlegible Next Regular", "AtkinsonHyperlegibleNext-Regular.ttf"),
        face_file!("Atkinson Hyperlegible Next Bold", "AtkinsonHyperlegibleNext-Bold.ttf"),
    ],
    [face_file!("Noto Sans Regular", "NotoSans-Regular.ttf"), face_file!("Noto Sans Bold", "NotoSans-Bold.ttf")],
    [
        face_file!("Noto Naskh Arabic Regular", "NotoNaskhArabic-Regular.ttf"),
        face_file!("Noto Naskh Arabic Bold", "NotoNaskhArabic-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans Bengali Regular", "NotoSansBengali-Regular.ttf"),
        face_file!("Noto Sans Bengali Bold", "NotoSansBengali-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans Devanagari Regular", "NotoSansDevanagari-Regular.ttf"),
        face_file!("Noto Sans Devanagari Bold", "NotoSansDevanagari-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans Gujarati Regular", "NotoSansGujarati-Regular.ttf"),
        face_file!("Noto Sans Gujarati Bold", "NotoSansGujarati-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans Gurmukhi Regular", "NotoSansGurmukhi-Regular.ttf"),
        face_file!("Noto Sans Gurmukhi Bold", "NotoSansGurmukhi-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans Tamil Regular", "NotoSansTamil-Regular.ttf"),
        face_file!("Noto Sans Tamil Bold", "NotoSansTamil-Bold.ttf"),
    ],
    [
        face_file!("Noto Sans CJK SC Regular", "NotoSansCJKsc-Regular-subset.otf"),
        face_file!("Noto Sans CJK SC Regular", "NotoSansCJKsc-Regular-subset.otf"),
    ],
];

impl Face {
    pub(crate) fn new(family: Family, bold: bool) -> Face {
        Face { family, bold }
    }

    fn file(self) -> &'static FaceFile {
        &FILES[self.family as usize][usize::from(self.bold)]
    }

    /// The font file's bytes, for embedding.
    pub(crate) fn bytes(self) -> &'static [u8] {
        self.file().bytes
    }

    /// The font's name, for messages.
    pub(crate) fn name(self) -> &'static str {
        self.file().name
    }

    /// Whether bold is drawn by outlining the regular face (the family has no bold file).
    pub(crate) fn synthetic_bold(self) -> bool {
        self.bold && self.family == Family::Chinese
    }

    fn index(self) -> usize {
        self.family as usize * 2 + usize::from(self.bold)
    }

    /// Every face, regular and bold.
    #[cfg(test)]
    pub(crate) fn all() -> impl Iterator<Item = Face> {
        Family::ORDER.into_iter().flat_map(|f| [Face::new(f, false), Face::new(f, true)])
    }
}

/// A parsed face: for looking characters up, measuring and shaping.
pub(crate) struct Loaded {
    pub shaping: ShapingFace<'static>,
    pub units_per_em: f32,
}

static LOADED: [OnceLock<Option<Loaded>>; 18] = [const { OnceLock::new() }; 18];
/// The faces parsed by printpdf, for the cards (only the faces a sheet of cards uses).
static PARSED: [OnceLock<Option<printpdf::ParsedFont>>; 18] = [const { OnceLock::new() }; 18];

/// The vendored fonts (a handle: faces are parsed on first use).
pub(crate) struct Fonts {
    _private: (),
}

static FONTS: Fonts = Fonts { _private: () };

/// The vendored fonts. Fails only if a vendored font file cannot be read (a broken build).
pub(crate) fn fonts() -> crate::error::Result<&'static Fonts> {
    for face in [Face::new(Family::Atkinson, false), Face::new(Family::Atkinson, true)] {
        if FONTS.loaded(face).is_none() {
            return Err(crate::error::Error::Pdf(format!("the font {} could not be read", face.name())));
        }
    }
    Ok(&FONTS)
}

/// Marks, joiners and variation selectors: they belong to the character before them.
pub(crate) fn is_attached(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'        // combining diacritical marks
        | '\u{200C}' | '\u{200D}'      // zero width non-joiner and joiner
        | '\u{FE00}'..='\u{FE0F}'      // variation selectors
        | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' // Arabic marks
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}' | '\u{0963}'
        | '\u{0981}'..='\u{0983}' | '\u{09BC}' | '\u{09BE}'..='\u{09D7}' | '\u{09E2}' | '\u{09E3}'
        | '\u{0A01}'..='\u{0A03}' | '\u{0A3C}'..='\u{0A51}' | '\u{0A70}' | '\u{0A71}' | '\u{0A75}'
        | '\u{0A81}'..='\u{0A83}' | '\u{0ABC}' | '\u{0ABE}'..='\u{0ACD}' | '\u{0AE2}' | '\u{0AE3}'
        | '\u{0B82}' | '\u{0BBE}'..='\u{0BCD}' | '\u{0BD7}'
    )
}

impl Fonts {
    /// The parsed face, or `None` if its file cannot be read.
    pub(crate) fn loaded(&self, face: Face) -> Option<&'static Loaded> {
        LOADED[face.index()]
            .get_or_init(|| {
                let shaping = ShapingFace::from_slice(face.bytes(), 0)?;
                let units_per_em = shaping.units_per_em().max(1) as f32;
                Some(Loaded { shaping, units_per_em })
            })
            .as_ref()
    }

    /// The face parsed by printpdf, for embedding in a card PDF.
    pub(crate) fn parsed(&self, face: Face) -> Option<&'static printpdf::ParsedFont> {
        PARSED[face.index()].get_or_init(|| printpdf::ParsedFont::from_bytes(face.bytes(), 0, &mut Vec::new())).as_ref()
    }

    /// The advance width of glyph `id` in em, as the font itself says (what a PDF viewer
    /// moves by unless told otherwise).
    pub(crate) fn advance(&self, face: Face, id: u16) -> f32 {
        self.loaded(face).map_or(0.0, |l| {
            l.shaping.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(id)).unwrap_or(0) as f32 / l.units_per_em
        })
    }

    /// The width of a line of text in points at `size`, shaped.
    pub(crate) fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        super::shape::width(self, text, bold, size)
    }

    /// Whether `face` has a glyph for `c`.
    pub(crate) fn has(&self, face: Face, c: char) -> bool {
        self.loaded(face).and_then(|l| l.shaping.glyph_index(c)).is_some_and(|g| g.0 != 0)
    }

    /// The face that draws `c` on its own: the first family in [`Family::ORDER`] that has it.
    pub(crate) fn face_for(&self, c: char, bold: bool) -> Option<Face> {
        Family::ORDER.into_iter().map(|family| Face::new(family, bold)).find(|&f| self.has(f, c))
    }

    /// Splits `text` into runs of consecutive characters drawn with one face, in logical order,
    /// with each run's byte range. A mark, joiner or space stays with the run before it when
    /// that face has it, so a word is shaped in one piece; a space between two runs of one
    /// complex script stays in that script's run.
    pub(crate) fn runs(&self, text: &str, bold: bool) -> Vec<(Face, std::ops::Range<usize>)> {
        let mut runs: Vec<(Face, std::ops::Range<usize>)> = Vec::new();
        let primary = Face::new(Family::Atkinson, bold);
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let face = match runs.last() {
                Some((last, _)) if (is_attached(c) || c == ' ') && self.has(*last, c) => *last,
                Some((last, _)) if is_attached(c) && last.family.complex() => *last,
                _ => self.face_for(c, bold).unwrap_or(primary),
            };
            match runs.last_mut() {
                Some((last, range)) if *last == face => range.end = end,
                _ => runs.push((face, i..end)),
            }
        }
        runs
    }

    /// Whether some vendored face draws `c` in both weights.
    pub(crate) fn printable(&self, c: char) -> bool {
        self.face_for(c, false).is_some() && self.face_for(c, true).is_some()
    }
}

/// Characters that are layout, not glyphs: never unprintable.
fn is_layout(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Characters of `text` that no vendored font can draw, each once, in order of first
/// appearance. Documents and cards refuse to print them (with the characters named), so a
/// name is never printed wrong; the window uses this to warn before printing.
pub fn unprintable(text: &str) -> Vec<char> {
    let Ok(fonts) = fonts() else { return Vec::new() };
    let mut out = Vec::new();
    for c in text.chars() {
        if is_layout(c) || out.contains(&c) {
            continue;
        }
        if !fonts.printable(c) {
            out.push(c);
        }
    }
    out
}

/// How a list of unprintable characters is named in a message: `"X" (U+0058)`, ...
pub fn describe(chars: &[char]) -> String {
    chars.iter().map(|c| format!("\"{c}\" (U+{:04X})", u32::from(*c))).collect::<Vec<_>>().join(", ")
}

/// The text as it will be printed: tabs and other control characters become spaces (line
/// breaks are kept), and bidirectional controls and zero-width characters are kept for the
/// shaper.
pub(crate) fn clean(text: &str) -> String {
    text.chars().map(|c| if c != '\n' && c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    fn faces(text: &str, bold: bool) -> Vec<(Family, &str)> {
        f().runs(text, bold).into_iter().map(|(face, r)| (face.family, &text[r])).collect()
    }

    #[test]
    fn every_vendored_face_parses() {
        for face in Face::all() {
            assert!(f().loaded(face).is_some(), "{} does not parse", face.name());
        }
    }

    #[test]
    fn latin_text_is_one_atkinson_run() {
        assert_eq!(faces("Jane Doe, 12 Elm Road", false), vec![(Family::Atkinson, "Jane Doe, 12 Elm Road")]);
    }

    #[test]
    fn cyrillic_falls_back_to_noto_in_the_same_weight() {
        let runs = f().runs("Carer: Олена Шевченко", true);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].0, Face::new(Family::Atkinson, true));
        assert_eq!(runs[1].0, Face::new(Family::Noto, true));
    }

    #[test]
    fn each_script_is_drawn_by_its_own_font() {
        let cases = [
            ("محمد علی", Family::Arabic),
            ("عمران خان", Family::Arabic),
            ("আমিনা বেগম", Family::Bengali),
            ("गुरप्रीत सिंह", Family::Devanagari),
            ("ગીતા પટેલ", Family::Gujarati),
            ("ਗੁਰਪ੍ਰੀਤ ਕੌਰ", Family::Gurmukhi),
            ("கமலா", Family::Tamil),
            ("王秀英", Family::Chinese),
            ("陳大文", Family::Chinese),
        ];
        for (text, family) in cases {
            assert_eq!(faces(text, false), vec![(family, text)], "{text}");
            assert!(unprintable(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn marks_stay_with_their_letter() {
        // A decomposed accent is drawn by the face of the letter it sits on.
        assert_eq!(faces("Jose\u{301}", false), vec![(Family::Atkinson, "Jose\u{301}")]);
        // A zero width non-joiner inside a Devanagari word stays in the word's run.
        assert_eq!(faces("क\u{200C}ष", false), vec![(Family::Devanagari, "क\u{200C}ष")]);
    }

    #[test]
    fn unprintable_lists_each_missing_character_once() {
        assert_eq!(unprintable("Jane Doe"), Vec::<char>::new());
        assert_eq!(unprintable("Олена\nNguyễn\tThị"), Vec::<char>::new());
        // Hangul, Ethiopic and a Gothic letter are not covered.
        assert_eq!(unprintable("김민준 ሰላም 𐌰𐌰"), vec!['김', '민', '준', 'ሰ', 'ላ', 'ም', '𐌰']);
        assert_eq!(describe(&['김']), "\"김\" (U+AE40)");
    }

    #[test]
    fn clean_turns_controls_into_spaces() {
        assert_eq!(clean("a\tb\nc"), "a b\nc");
    }
}
