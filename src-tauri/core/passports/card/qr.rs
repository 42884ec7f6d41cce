//! The QR code on the back of a card: error correction level M, drawn as filled rectangles (runs
//! of dark modules merged across and then down, so a code is a few hundred rectangles rather
//! than a thousand squares), inside a light quiet zone of 4 modules that nothing else may touch.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{bits, ec, Color, EcLevel};

/// The quiet zone on each side, in modules (ISO/IEC 18004).
pub(crate) const QUIET: usize = 4;

/// A QR symbol as rectangles of dark modules.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Symbol {
    /// Modules across the symbol without the quiet zone.
    pub modules: usize,
    /// `[column, row, width, height]` in modules, from the symbol's top-left (quiet zone not
    /// included).
    pub rects: Vec<[u16; 4]>,
}

impl Symbol {
    /// Modules across including the quiet zone on both sides.
    pub(crate) fn total(&self) -> usize {
        self.modules + 2 * QUIET
    }
}

/// Encodes `text` (error correction M). Text too long for any QR version gives an error.
pub(crate) fn symbol(text: &str) -> Result<Symbol, String> {
    let (n, modules) = encode(text).map_err(|e| format!("the QR code could not be made ({e})"))?;
    let dark = |x: usize, y: usize| modules[y * n + x];

    // Runs of dark modules in each row: (start, length).
    let mut open: Vec<[u16; 4]> = Vec::new();
    let mut rects = Vec::new();
    for y in 0..n {
        let mut runs = Vec::new();
        let mut x = 0;
        while x < n {
            if dark(x, y) {
                let start = x;
                while x < n && dark(x, y) {
                    x += 1;
                }
                runs.push((start as u16, (x - start) as u16));
            } else {
                x += 1;
            }
        }
        // A run exactly below an open rectangle extends it down; other open rectangles close.
        let mut still_open = Vec::with_capacity(runs.len());
        for (start, len) in runs {
            match open.iter().position(|r| r[0] == start && r[2] == len) {
                Some(i) => {
                    let mut r = open.swap_remove(i);
                    r[3] += 1;
                    still_open.push(r);
                }
                None => still_open.push([start, y as u16, len, 1]),
            }
        }
        rects.append(&mut open);
        open = still_open;
    }
    rects.append(&mut open);
    rects.sort_unstable_by_key(|r| (r[1], r[0]));
    Ok(Symbol { modules: n, rects })
}

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The symbol's modules (`true` dark, row by row) and its width: what
/// `QrCode::with_error_correction_level` makes, but choosing the mask with a penalty score that
/// runs in microseconds (the crate's took 0.8 ms a code, most of printing 1,000 cards).
fn encode(text: &str) -> qrcode::types::QrResult<(usize, Vec<bool>)> {
    let bits = bits::encode_auto(text.as_bytes(), EcLevel::M)?;
    let version = bits.version();
    let (data, ecc) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ecc);
    let n = usize::try_from(version.width()).unwrap_or(0);
    let best = MASKS
        .iter()
        .map(|&mask| {
            let mut c = canvas.clone();
            c.apply_mask(mask);
            let modules: Vec<bool> = c.into_colors().into_iter().map(|m| m == Color::Dark).collect();
            (penalty(n, &modules), modules)
        })
        .min_by_key(|(score, _)| *score)
        .expect("eight masks");
    Ok((n, best.1))
}

/// ISO/IEC 18004 mask penalty (as the `qrcode` crate scores it): runs of 5 or more modules of
/// one colour (3 + the run over 5), 2 × 2 blocks of one colour (3 each), finder-like
/// `#.###.#` with 4 light modules on a side (40 each), and the distance from half dark.
pub(crate) fn penalty(n: usize, m: &[bool]) -> u32 {
    if n <= 64 {
        penalty_bits(n, m)
    } else {
        penalty_slices(n, m)
    }
}

/// [`penalty`] on rows and columns as 64-bit masks (bit `j` is module `j`): versions 1 to 11.
fn penalty_bits(n: usize, m: &[bool]) -> u32 {
    let full = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let range = |from: usize, to: usize| -> u64 {
        let upto = |k: usize| if k >= 64 { u64::MAX } else { (1u64 << k) - 1 };
        upto(to) & !upto(from)
    };
    let mut rows = vec![0u64; n];
    let mut columns = vec![0u64; n];
    for y in 0..n {
        for x in 0..n {
            if m[y * n + x] {
                rows[y] |= 1 << x;
                columns[x] |= 1 << y;
            }
        }
    }
    let pairs = full >> 1; // positions j with a neighbour j + 1
    let starts = if n >= 7 { full >> 6 } else { 0 }; // positions where 7 modules fit
    let mut score = 0u32;
    for &line in rows.iter().chain(&columns) {
        // Runs: a boundary after j where module j differs from j + 1.
        let mut boundaries = (line ^ (line >> 1)) & pairs;
        let mut start = 0u32;
        while boundaries != 0 {
            let j = boundaries.trailing_zeros();
            let run = j + 1 - start;
            if run >= 5 {
                score += run - 2;
            }
            start = j + 1;
            boundaries &= boundaries - 1;
        }
        let run = n as u32 - start;
        if run >= 5 {
            score += run - 2;
        }
        // Finder-like #.###.# starting at j.
        let mut found = starts;
        for (k, dark) in [true, false, true, true, true, false, true].into_iter().enumerate() {
            let shifted = line >> k;
            found &= if dark { shifted } else { !shifted };
        }
        while found != 0 {
            let j = found.trailing_zeros() as usize;
            let before = line & range(j.saturating_sub(4), j) == 0;
            let after = line & range((j + 7).min(n), (j + 11).min(n)) == 0;
            if before || after {
                score += 40;
            }
            found &= found - 1;
        }
    }
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same = !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & !(a ^ b) & pairs;
        score += 3 * same.count_ones();
    }
    let dark: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let ratio = dark * 200 / (n * n).max(1) as u32;
    score + ratio.abs_diff(100)
}

/// [`penalty`] for any size, a row or column at a time.
fn penalty_slices(n: usize, m: &[bool]) -> u32 {
    let mut columns = vec![false; n * n];
    for y in 0..n {
        for x in 0..n {
            columns[x * n + y] = m[y * n + x];
        }
    }
    let mut score = 0u32;
    for line in m.chunks_exact(n).chain(columns.chunks_exact(n)) {
        score += line_penalty(line);
    }
    for (row, next) in m.chunks_exact(n).zip(m.chunks_exact(n).skip(1)) {
        for (a, b) in row.windows(2).zip(next.windows(2)) {
            if a[0] == a[1] && b[0] == b[1] && a[0] == b[0] {
                score += 3;
            }
        }
    }
    let dark = m.iter().filter(|&&d| d).count();
    let ratio = (dark * 200 / m.len().max(1)) as u32;
    score + ratio.abs_diff(100)
}

/// Runs and finder-like patterns in one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    const FINDER: u32 = 0b101_1101;
    let n = line.len();
    let mut score = 0;
    let mut run = 1;
    // The last 7 modules as bits, newest lowest.
    let mut window = 0u32;
    for (j, &dark) in line.iter().enumerate() {
        if j > 0 {
            if dark == line[j - 1] {
                run += 1;
            } else {
                if run >= 5 {
                    score += run - 2;
                }
                run = 1;
            }
        }
        window = ((window << 1) | u32::from(dark)) & 0x7F;
        if j >= 6 && window == FINDER {
            // The pattern is line[j-6..=j]: 4 light modules (or the edge) before or after.
            let start = j - 6;
            let before = line[start.saturating_sub(4)..start].iter().all(|&d| !d);
            let after = line[(j + 1).min(n)..(j + 5).min(n)].iter().all(|&d| !d);
            if before || after {
                score += 40;
            }
        }
    }
    if run >= 5 {
        score += run - 2;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangles_cover_exactly_the_dark_modules() {
        let text = "Carer passport CP-004217-F\nCall 020 7946 0018";
        let s = symbol(text).unwrap();
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
        let n = code.width();
        assert_eq!(s.modules, n);
        let mut covered = vec![0u8; n * n];
        for r in &s.rects {
            for y in r[1]..r[1] + r[3] {
                for x in r[0]..r[0] + r[2] {
                    covered[y as usize * n + x as usize] += 1;
                }
            }
        }
        let colors = code.to_colors();
        for i in 0..n * n {
            assert_eq!(covered[i], u8::from(colors[i] == Color::Dark), "module {i}");
        }
        // Merging pays: far fewer rectangles than dark modules.
        let dark = colors.iter().filter(|c| **c == Color::Dark).count();
        assert!(s.rects.len() * 2 < dark, "{} rectangles for {dark} modules", s.rects.len());
    }

    #[test]
    fn the_same_symbols_as_the_qrcode_crate() {
        // The crate scores masks the same way and keeps the first lowest, so it picks the same
        // mask.
        let mut same = 0;
        let texts: Vec<String> = (0..60)
            .map(|i| format!("Carer passport CP-{:06}-{}\nCall 020 7946 {:04}", i * 7919 % 1_000_000, i % 10, i))
            .collect();
        for text in &texts {
            let (n, modules) = encode(text).unwrap();
            let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
            assert_eq!(n, code.width());
            let theirs: Vec<bool> = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
            same += usize::from(theirs == modules);
        }
        assert_eq!(same, texts.len());
    }

    #[test]
    fn the_fast_penalty_agrees_with_the_plain_one() {
        // Pseudo-random grids of every size up to 64, and some mostly light or dark.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in 1..=64 {
            for bias in [2u64, 8, 14] {
                let m: Vec<bool> = (0..n * n)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state % 16 < bias
                    })
                    .collect();
                assert_eq!(penalty_bits(n, &m), penalty_slices(n, &m), "n = {n}, bias {bias}");
            }
        }
    }

    #[test]
    fn nothing_is_drawn_in_the_quiet_zone() {
        let s = symbol("YC-000001-A").unwrap();
        assert_eq!(s.total(), s.modules + 8);
        for r in &s.rects {
            assert!(r[0] as usize + r[2] as usize <= s.modules && r[1] as usize + r[3] as usize <= s.modules);
        }
    }
}
