//! Card sizes and the card stocks printed on, as data: where each card sits on an A4 sheet, and
//! where its back goes on the next page so that, printed long-edge duplex, each back lands behind
//! its front. All lengths in millimetres, from the page's top-left corner.

/// ISO/IEC 7810 ID-1 (bank card size).
pub const ID1_WIDTH: f32 = 85.60;
pub const ID1_HEIGHT: f32 = 53.98;

pub const A4_WIDTH: f32 = 210.0;
pub const A4_HEIGHT: f32 = 297.0;

/// A sheet of cards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stock {
    /// What settings and the CLI call it (`--stock c32011`).
    pub code: &'static str,
    pub name: &'static str,
    pub page_width: f32,
    pub page_height: f32,
    pub card_width: f32,
    pub card_height: f32,
    /// The first card's top-left corner.
    pub left: f32,
    pub top: f32,
    /// From one card's left edge to the next one's, and from one row's top to the next.
    pub column_pitch: f32,
    pub row_pitch: f32,
    pub columns: u32,
    pub rows: u32,
}

/// Avery C32011: ten 85 × 54 mm cards, two columns of five, on A4.
pub const C32011: Stock = Stock {
    code: "c32011",
    name: "Avery C32011 and similar: 10 cards of 85 × 54 mm",
    page_width: A4_WIDTH,
    page_height: A4_HEIGHT,
    card_width: 85.0,
    card_height: 54.0,
    left: 15.0,
    top: 13.5,
    column_pitch: 95.0,
    row_pitch: 54.0,
    columns: 2,
    rows: 5,
};

/// L7414-style stock: ten 90 × 52 mm cards, two columns of five, touching, centred on A4.
pub const L7414: Stock = Stock {
    code: "l7414",
    name: "L7414 style: 10 cards of 90 × 52 mm",
    page_width: A4_WIDTH,
    page_height: A4_HEIGHT,
    card_width: 90.0,
    card_height: 52.0,
    left: 15.0,
    top: 18.5,
    column_pitch: 90.0,
    row_pitch: 52.0,
    columns: 2,
    rows: 5,
};

/// Every stock, as settings and the CLI offer them.
pub const ALL: [Stock; 2] = [C32011, L7414];

/// The most a front's band runs past a card's edge on a sheet (mm).
pub const MAX_BLEED: f32 = 2.5;
/// How near the paper's edge an office printer can print (mm).
pub const PRINTER_EDGE: f32 = 5.0;

pub fn find(code: &str) -> Option<Stock> {
    ALL.into_iter().find(|s| s.code.eq_ignore_ascii_case(code.trim()))
}

/// The stock for a code sent for `field`, or an error naming the field and the known codes.
pub fn parse(field: &str, code: &str) -> crate::error::Result<Stock> {
    find(code).ok_or_else(|| {
        let known: Vec<&str> = ALL.iter().map(|s| s.code).collect();
        crate::error::Error::field(
            field,
            format!("choose one of the card stocks ({}); '{}' is not one", known.join(", "), code.trim()),
        )
    })
}

impl Stock {
    pub fn per_sheet(&self) -> u32 {
        self.columns * self.rows
    }

    /// The top-left corner of card `index` (0-based, across then down) on the fronts page.
    pub fn front(&self, index: u32) -> (f32, f32) {
        let (col, row) = (index % self.columns, index / self.columns % self.rows);
        (self.left + col as f32 * self.column_pitch, self.top + row as f32 * self.row_pitch)
    }

    /// How far a front's band may run past card `index`'s left and right edges (bleed, so a
    /// slightly misplaced cut leaves no white sliver): half the gap to the next card or the
    /// paper's edge, at most [`MAX_BLEED`] mm, and none where cards touch (L7414's columns).
    pub fn bleed(&self, index: u32) -> (f32, f32) {
        let col = index % self.columns.max(1);
        let gap = self.column_pitch - self.card_width;
        let right_margin =
            self.page_width - (self.left + (self.columns.max(1) - 1) as f32 * self.column_pitch + self.card_width);
        // Towards the paper's edge: up to MAX_BLEED, keeping PRINTER_EDGE mm the printer cannot reach.
        let edge = |margin: f32| (margin - PRINTER_EDGE).clamp(0.0, MAX_BLEED);
        let between = (gap / 2.0).clamp(0.0, MAX_BLEED);
        let left = if col == 0 { edge(self.left) } else { between };
        let right = if col + 1 == self.columns { edge(right_margin) } else { between };
        (left, right)
    }

    /// The top-left corner of card `index`'s back on the backs page: mirrored left to right,
    /// because turning the sheet over on its long edge swaps left and right.
    pub fn back(&self, index: u32) -> (f32, f32) {
        let (x, y) = self.front(index);
        (self.page_width - x - self.card_width, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 0.001
    }

    #[test]
    fn bleed_uses_the_gaps_and_never_runs_into_a_touching_neighbour() {
        // C32011: 10 mm between the columns and 15 mm margins: 2.5 mm each side.
        for i in 0..10 {
            assert_eq!(C32011.bleed(i), (2.5, 2.5), "card {i}");
        }
        // L7414: the columns touch, so nothing on the inner edges.
        for i in 0..10 {
            let expected = if i % 2 == 0 { (2.5, 0.0) } else { (0.0, 2.5) };
            assert_eq!(L7414.bleed(i), expected, "card {i}");
        }
    }

    #[test]
    fn c32011_positions_follow_its_geometry() {
        // (index, x, y) from the stock's published margins and pitches.
        let table = [(0, 15.0, 13.5), (1, 110.0, 13.5), (2, 15.0, 67.5), (5, 110.0, 121.5), (9, 110.0, 229.5)];
        for (i, x, y) in table {
            let (fx, fy) = C32011.front(i);
            assert!(close(fx, x) && close(fy, y), "card {i}: ({fx}, {fy})");
        }
        assert_eq!(C32011.per_sheet(), 10);
        // The 11th card starts the next sheet in the first place.
        assert_eq!(C32011.front(10), C32011.front(0));
    }

    #[test]
    fn every_card_is_on_the_page_and_none_overlap() {
        for s in ALL {
            let rects: Vec<(f32, f32)> = (0..s.per_sheet()).map(|i| s.front(i)).collect();
            for (i, &(x, y)) in rects.iter().enumerate() {
                assert!(x >= 0.0 && y >= 0.0, "{} card {i}", s.code);
                assert!(x + s.card_width <= s.page_width + 0.001, "{} card {i} off the right", s.code);
                assert!(y + s.card_height <= s.page_height + 0.001, "{} card {i} off the bottom", s.code);
                for &(x2, y2) in &rects[i + 1..] {
                    let apart = x + s.card_width <= x2 + 0.001
                        || x2 + s.card_width <= x + 0.001
                        || y + s.card_height <= y2 + 0.001
                        || y2 + s.card_height <= y + 0.001;
                    assert!(apart, "{} cards overlap", s.code);
                }
            }
        }
    }

    #[test]
    fn each_back_lands_behind_its_front_after_a_long_edge_flip() {
        for s in ALL {
            for i in 0..s.per_sheet() {
                let (fx, fy) = s.front(i);
                let (bx, by) = s.back(i);
                // Turning the backs page over on its long (vertical) edge maps x to width − x.
                let flipped_left = s.page_width - (bx + s.card_width);
                assert!(close(flipped_left, fx) && close(by, fy), "{} card {i}", s.code);
            }
        }
        // On C32011 the left column's backs print in the right column and the other way round.
        assert!(close(C32011.back(0).0, 110.0));
    }

    #[test]
    fn stocks_are_found_by_code_in_any_case() {
        assert_eq!(find(" C32011 "), Some(C32011));
        assert_eq!(find("l7414").map(|s| s.card_width), Some(90.0));
        assert_eq!(find("avery"), None);
    }
}
