//! Layout: blocks to pages of positioned items. Everything is in points, with `y` measured
//! downwards from the top of the page (the drawing step flips it for PDF). Layout happens
//! before drawing so the page count is known when the footers ("Page N of M") are drawn.

use super::fonts::{clean, Fonts};
use super::{Bar, Block, Column, DocumentInfo, Style};

/// A4 portrait in points.
pub(crate) const PAGE_W: f32 = 595.276;
pub(crate) const PAGE_H: f32 = 841.89;
/// 18 mm.
pub(crate) const MARGIN: f32 = 51.024;
pub(crate) const LEFT: f32 = MARGIN;
pub(crate) const RIGHT: f32 = PAGE_W - MARGIN;
pub(crate) const TEXT_W: f32 = RIGHT - LEFT;
/// Where the body starts and must end; the running header and the footer sit in the margins.
pub(crate) const TOP: f32 = MARGIN;
pub(crate) const BOTTOM: f32 = PAGE_H - MARGIN;
const HEADER_BASELINE: f32 = 32.0;
const HEADER_RULE: f32 = 38.0;
const FOOTER_RULE: f32 = PAGE_H - 40.0;
const FOOTER_BASELINE: f32 = PAGE_H - 28.0;

pub(crate) const BODY: f32 = 10.5;
pub(crate) const LINE: f32 = BODY * 1.35;
const SMALL: f32 = 8.5;
const CELL_PAD_X: f32 = 4.0;
const PARA_GAP: f32 = 6.0;
/// Headings and subheadings: (size, space before, space after).
const HEADING: (f32, f32, f32) = (14.0, 12.0, 4.0);
const SUBHEADING: (f32, f32, f32) = (12.0, 8.0, 3.0);

/// Dark grey for body text (good contrast, softer than pure black), mid grey for the running
/// header and footer, light grey for rules and table header fill.
pub(crate) const INK: f32 = 0.1;
const MUTED: f32 = 0.35;
const RULE: f32 = 0.6;
const FAINT: f32 = 0.85;
const HEADER_FILL: f32 = 0.92;
/// Bar charts: solid dark bars (readable in greyscale), 9 pt labels in 38% of the width.
const BAR: f32 = 0.25;
const CHART_SIZE: f32 = 9.0;
const CHART_LINE: f32 = CHART_SIZE * 1.3;
const CHART_GAP: f32 = 3.0;
const CHART_BAR: f32 = 8.0;
const CHART_LABEL: f32 = 0.38;

/// One thing to draw. Greys are 0 (black) to 1 (white).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text (already cleaned) with its left end at `x` and baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
    /// A filled rectangle with its top-left corner at (x, y).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Page {
    pub items: Vec<Item>,
}

/// Wraps `text` to `width` points: `\n` starts a new line, words are separated by spaces (runs
/// of spaces collapse to one), and a word wider than the line is broken between characters.
/// Empty text is one empty line. The text is cleaned first (see [`clean`]); widths come from
/// the fonts' advance widths, so every returned line measures at most `width`.
pub(crate) fn wrap(fonts: &Fonts, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
    let text = clean(fonts, text);
    let fits = |w: f32| w <= width + 0.001;
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        for word in raw.split(' ').filter(|w| !w.is_empty()) {
            // The whole candidate line is measured: the space between two words may be drawn
            // in either font, and widths differ.
            if !line.is_empty() && fits(fonts.width(&format!("{line} {word}"), bold, size)) {
                line.push(' ');
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if fits(fonts.width(word, bold, size)) {
                line = word.to_string();
                continue;
            }
            // A word longer than the line: break it by characters.
            for c in word.chars() {
                let mut candidate = line.clone();
                candidate.push(c);
                if line.is_empty() || fits(fonts.width(&candidate, bold, size)) {
                    line = candidate;
                } else {
                    out.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        out.push(line);
    }
    out
}

/// Baseline of text of `size` in a line box of height `line` whose top is at `top`.
fn baseline(top: f32, line: f32, size: f32) -> f32 {
    top + (line + size * 0.7) / 2.0
}

struct Layout<'a> {
    fonts: &'a Fonts,
    style: Style,
    pages: Vec<Page>,
    y: f32,
}

/// One row of a grid (a table row or a label/value pair): each cell's wrapped lines.
struct Row {
    cells: Vec<Vec<String>>,
}

impl Row {
    fn lines(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }
}

/// How a grid is drawn: tables have borders, padding and a header; label/value pairs have a
/// bold first column and a faint rule between pairs.
struct Grid {
    widths: Vec<f32>,
    size: f32,
    line: f32,
    pad_x: f32,
    pad_y: f32,
    borders: bool,
    bold_first: bool,
    header: Option<Row>,
    gap_after_row: f32,
}

impl Grid {
    fn row_height(&self, lines: usize) -> f32 {
        lines as f32 * self.line + 2.0 * self.pad_y
    }
}

impl<'a> Layout<'a> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.001
    }

    /// Vertical space, dropped at the top of a page.
    fn gap(&mut self, h: f32) {
        if !self.at_top() {
            self.y = (self.y + h).min(BOTTOM);
        }
    }

    /// Starts a new page unless `h` more points fit (or the page is still empty).
    fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM + 0.001 && !self.at_top() {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, top: f32, line: f32, size: f32, bold: bool, text: String) {
        if text.is_empty() {
            return;
        }
        let y = baseline(top, line, size);
        self.page().items.push(Item::Text { x, y, size, bold, grey: INK, text });
    }

    fn wrap(&self, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
        wrap(self.fonts, text, bold, size, width)
    }

    /// Lines of text placed one after another, breaking pages between lines.
    fn lines(&mut self, x: f32, lines: Vec<String>, size: f32, line: f32, bold: bool) {
        for l in lines {
            self.need(line);
            self.text(x, self.y, line, size, bold, l);
            self.y += line;
        }
    }

    fn opening(&mut self, info: &DocumentInfo) {
        for (i, line) in info.organisation.iter().enumerate() {
            let (size, bold) = if i == 0 { (12.0, true) } else { (9.5, false) };
            let lh = size * 1.3;
            for l in self.wrap(line, bold, size, TEXT_W) {
                let y = baseline(self.y, lh, size);
                let grey = if i == 0 { INK } else { MUTED };
                self.page().items.push(Item::Text { x: LEFT, y, size, bold, grey, text: l });
                self.y += lh;
            }
        }
        if !info.organisation.is_empty() {
            self.y += 8.0;
            let y = self.y;
            self.page().items.push(Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.5, grey: RULE });
            self.y += 14.0;
        }
        let lines = self.wrap(&info.title, true, 18.0, TEXT_W);
        self.lines(LEFT, lines, 18.0, 18.0 * 1.25, true);
        self.y += 10.0;
    }

    /// Height of the first line or row of a block: what a heading must be kept with.
    fn first_unit(&self, block: Option<&Block>) -> f32 {
        match block {
            None | Some(Block::PageBreak) | Some(Block::Spacer(_)) => 0.0,
            Some(Block::Heading(text)) => self.heading_height(text, HEADING),
            Some(Block::Subheading(text)) => self.heading_height(text, SUBHEADING),
            Some(Block::Paragraph(_)) | Some(Block::Bullets(_)) => LINE,
            Some(Block::Fields(pairs)) => match pairs.first() {
                Some(pair) => {
                    self.fields_grid(std::slice::from_ref(pair)).1.first().map_or(0.0, |r| r.lines() as f32 * LINE)
                }
                None => 0.0,
            },
            Some(Block::Table { columns, rows }) => {
                let (grid, rows) = self.table_grid(columns, &rows[..rows.len().min(1)]);
                let header = grid.header.as_ref().map_or(0.0, |h| grid.row_height(h.lines()));
                header + rows.first().map_or(0.0, |r| grid.row_height(r.lines()))
            }
            Some(Block::Signatures(roles)) => signatures_height(roles.len()),
            Some(Block::BarChart(bars)) => bars.first().map_or(0.0, |b| self.bar_row_height(b)),
        }
    }

    /// What a heading must be kept with: the first line or row of the blocks after it, counting
    /// a heading that follows (a heading then a subheading stay with the text under both).
    fn keep_with(&self, rest: &[Block]) -> f32 {
        match rest.first() {
            Some(Block::Heading(text)) => self.heading_height(text, HEADING) + self.keep_with(&rest[1..]),
            Some(Block::Subheading(text)) => self.heading_height(text, SUBHEADING) + self.keep_with(&rest[1..]),
            other => self.first_unit(other),
        }
    }

    fn heading_height(&self, text: &str, (size, before, after): (f32, f32, f32)) -> f32 {
        before + self.wrap(text, true, size, TEXT_W).len() as f32 * size * 1.3 + after
    }

    fn heading(&mut self, text: &str, (size, before, after): (f32, f32, f32), rest: &[Block]) {
        let lh = size * 1.3;
        let lines = self.wrap(text, true, size, TEXT_W);
        let height = before + lines.len() as f32 * lh + after + self.keep_with(rest);
        // Keep with the next block's first line or row: never alone at the bottom of a page.
        self.need(height);
        self.gap(before);
        for l in lines {
            self.text(LEFT, self.y, lh, size, true, l);
            self.y += lh;
        }
        self.y += after;
    }

    fn paragraph(&mut self, text: &str) {
        for raw in text.split('\n') {
            if raw.trim().is_empty() {
                self.gap(PARA_GAP);
                continue;
            }
            let lines = self.wrap(raw, false, BODY, TEXT_W);
            self.lines(LEFT, lines, BODY, LINE, false);
        }
        self.gap(PARA_GAP);
    }

    fn bullets(&mut self, items: &[String]) {
        let indent = 16.0;
        for item in items {
            let lines = self.wrap(item, false, BODY, TEXT_W - indent);
            for (i, l) in lines.into_iter().enumerate() {
                self.need(LINE);
                if i == 0 {
                    let y = baseline(self.y, LINE, BODY);
                    self.page().items.push(Item::Text {
                        x: LEFT + 4.0,
                        y,
                        size: BODY,
                        bold: false,
                        grey: INK,
                        text: "•".into(),
                    });
                }
                self.text(LEFT + indent, self.y, LINE, BODY, false, l);
                self.y += LINE;
            }
            self.y += 2.0;
        }
        self.gap(PARA_GAP - 2.0);
    }

    fn fields_grid(&self, pairs: &[(String, String)]) -> (Grid, Vec<Row>) {
        let gap = 8.0;
        let label_w = TEXT_W * 0.35;
        let grid = Grid {
            widths: vec![label_w, TEXT_W - label_w],
            size: BODY,
            line: LINE,
            pad_x: 0.0,
            pad_y: 2.0,
            borders: false,
            bold_first: true,
            header: None,
            gap_after_row: 0.0,
        };
        let rows = pairs
            .iter()
            .map(|(label, value)| Row {
                cells: vec![
                    self.wrap(label, true, BODY, label_w - gap),
                    self.wrap(value, false, BODY, TEXT_W - label_w),
                ],
            })
            .collect();
        (grid, rows)
    }

    fn table_grid(&self, columns: &[Column], rows: &[Vec<String>]) -> (Grid, Vec<Row>) {
        let widths = column_widths(columns);
        let size = self.style.table_size;
        let cell = |text: &str, bold: bool, w: f32| self.wrap(text, bold, size, (w - 2.0 * CELL_PAD_X).max(1.0));
        let header =
            Row { cells: columns.iter().zip(&widths).map(|(c, &w)| cell(&c.title, true, w)).collect::<Vec<_>>() };
        let rows = rows
            .iter()
            .map(|row| Row {
                cells: widths
                    .iter()
                    .enumerate()
                    .map(|(i, &w)| cell(row.get(i).map_or("", String::as_str), false, w))
                    .collect(),
            })
            .collect();
        let grid = Grid {
            widths,
            size,
            line: size * self.style.table_line,
            pad_x: CELL_PAD_X,
            pad_y: self.style.cell_padding,
            borders: true,
            bold_first: false,
            header: Some(header),
            gap_after_row: 0.0,
        };
        (grid, rows)
    }

    /// Draws one (part of a) row at the current `y`: lines `from..from + count` of each cell.
    fn draw_row(&mut self, grid: &Grid, row: &Row, from: usize, count: usize, header: bool) {
        let h = grid.row_height(count);
        let top = self.y;
        if header {
            let fill = Item::Fill { x: LEFT, y: top, w: grid.widths.iter().sum(), h, grey: HEADER_FILL };
            self.page().items.push(fill);
        }
        let mut x = LEFT;
        for (i, (lines, &w)) in row.cells.iter().zip(&grid.widths).enumerate() {
            let bold = header || (grid.bold_first && i == 0);
            for (k, l) in lines.iter().skip(from).take(count).enumerate() {
                let line_top = top + grid.pad_y + k as f32 * grid.line;
                self.text(x + grid.pad_x, line_top, grid.line, grid.size, bold, l.clone());
            }
            x += w;
        }
        if grid.borders {
            let right = LEFT + grid.widths.iter().sum::<f32>();
            let bottom = top + h;
            let mut edges = vec![(LEFT, top, right, top), (LEFT, bottom, right, bottom)];
            let mut x = LEFT;
            edges.push((x, top, x, bottom));
            for w in &grid.widths {
                x += w;
                edges.push((x, top, x, bottom));
            }
            for (x1, y1, x2, y2) in edges {
                self.page().items.push(Item::Line { x1, y1, x2, y2, width: 0.5, grey: RULE });
            }
        }
        self.y = top + h + grid.gap_after_row;
    }

    fn draw_header(&mut self, grid: &Grid) {
        if let Some(header) = &grid.header {
            self.draw_row(grid, header, 0, header.lines(), true);
        }
    }

    /// Lays out a grid: a row never splits across pages, and a table's header row is repeated
    /// at the top of every page the table continues on. The only exception is a row taller than
    /// a whole page, which is split at line boundaries.
    fn grid(&mut self, grid: &Grid, rows: &[Row]) {
        let header_h = grid.header.as_ref().map_or(0.0, |h| grid.row_height(h.lines()));
        // The header goes with the first row (or, for a row taller than a page, its first lines).
        let first = rows.first().map_or(0.0, |r| grid.row_height(r.lines().min(3)));
        self.need(header_h + first);
        self.draw_header(grid);
        for (index, row) in rows.iter().enumerate() {
            if index > 0 && !grid.borders {
                let y = self.y + 1.0;
                let item = Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.4, grey: FAINT };
                self.y += 2.0;
                if self.y + grid.row_height(row.lines()) <= BOTTOM {
                    self.page().items.push(item);
                }
            }
            let lines = row.lines();
            let h = grid.row_height(lines);
            if self.y + h > BOTTOM + 0.001 {
                let page_room = BOTTOM - TOP - header_h;
                if h <= page_room {
                    self.new_page();
                    self.draw_header(grid);
                } else {
                    // Taller than a page: split at line boundaries, continuing on new pages.
                    let mut from = 0;
                    while from < lines {
                        let room = ((BOTTOM - self.y - 2.0 * grid.pad_y) / grid.line).floor().max(0.0) as usize;
                        if room == 0 {
                            self.new_page();
                            self.draw_header(grid);
                            continue;
                        }
                        let count = room.min(lines - from);
                        self.draw_row(grid, row, from, count, false);
                        from += count;
                        if from < lines {
                            self.new_page();
                            self.draw_header(grid);
                        }
                    }
                    continue;
                }
            }
            self.draw_row(grid, row, 0, lines, false);
        }
        self.gap(PARA_GAP + 2.0);
    }

    fn signatures(&mut self, roles: &[String]) {
        self.need(signatures_height(roles.len()));
        self.gap(4.0);
        for role in roles {
            let lines = self.wrap(role, true, BODY, TEXT_W);
            self.lines(LEFT, lines, BODY, LINE, true);
            self.y += 16.0;
            let base = baseline(self.y, LINE, BODY);
            let mut x = LEFT;
            for (label, width) in [("Signed", 0.40), ("Name", 0.36), ("Date", 0.24)] {
                let field_w = TEXT_W * width;
                let label_w = self.fonts.width(label, false, BODY);
                self.page().items.push(Item::Text {
                    x,
                    y: base,
                    size: BODY,
                    bold: false,
                    grey: INK,
                    text: label.into(),
                });
                let (x1, x2) = (x + label_w + 4.0, x + field_w - 12.0);
                self.page().items.push(Item::Line { x1, y1: base + 1.5, x2, y2: base + 1.5, width: 0.6, grey: 0.3 });
                x += field_w;
            }
            self.y += LINE + 12.0;
        }
        self.gap(PARA_GAP);
    }

    fn bar_row_height(&self, bar: &Bar) -> f32 {
        self.wrap(&bar.label, false, CHART_SIZE, TEXT_W * CHART_LABEL).len().max(1) as f32 * CHART_LINE + CHART_GAP
    }

    /// A horizontal bar chart: label, solid bar scaled to the largest value, the number beside.
    fn bar_chart(&mut self, bars: &[Bar]) {
        let label_w = TEXT_W * CHART_LABEL;
        let number_w = bars.iter().map(|b| self.fonts.width(&b.display, true, CHART_SIZE)).fold(0.0, f32::max);
        let bar_x = LEFT + label_w + 8.0;
        let area = (RIGHT - bar_x - number_w - 8.0).max(10.0);
        let max = bars.iter().filter_map(|b| b.value).fold(0.0, f64::max);
        self.gap(2.0);
        for bar in bars {
            let lines = self.wrap(&bar.label, false, CHART_SIZE, label_w);
            let h = lines.len().max(1) as f32 * CHART_LINE + CHART_GAP;
            self.need(h);
            let top = self.y;
            for (k, l) in lines.into_iter().enumerate() {
                self.text(LEFT, top + k as f32 * CHART_LINE, CHART_LINE, CHART_SIZE, false, l);
            }
            let w = match bar.value {
                Some(v) if v > 0.0 && max > 0.0 => ((v / max) as f32 * area).max(1.5),
                _ => 0.0,
            };
            let bar_top = top + (CHART_LINE - CHART_BAR) / 2.0;
            if w > 0.0 {
                self.page().items.push(Item::Fill { x: bar_x, y: bar_top, w, h: CHART_BAR, grey: BAR });
            }
            // The axis: a thin line down the bars' left edge.
            let axis = Item::Line { x1: bar_x, y1: top, x2: bar_x, y2: top + h, width: 0.6, grey: MUTED };
            self.page().items.push(axis);
            let x = bar_x + w + 4.0;
            let y = baseline(top, CHART_LINE, CHART_SIZE);
            let text = bar.display.clone();
            self.page().items.push(Item::Text { x, y, size: CHART_SIZE, bold: true, grey: INK, text });
            self.y += h;
        }
        self.gap(PARA_GAP + 2.0);
    }

    fn spacer(&mut self, mm: f32) {
        let h = mm.max(0.0) * 72.0 / 25.4;
        if self.y + h > BOTTOM {
            self.new_page();
        } else {
            self.y += h;
        }
    }

    /// Lays out `block`; `rest` is the blocks after it (a heading is kept with them).
    fn block(&mut self, block: &Block, rest: &[Block]) {
        match block {
            Block::Heading(text) => self.heading(text, HEADING, rest),
            Block::Subheading(text) => self.heading(text, SUBHEADING, rest),
            Block::Paragraph(text) => self.paragraph(text),
            Block::Fields(pairs) => {
                let (grid, rows) = self.fields_grid(pairs);
                self.grid(&grid, &rows);
            }
            Block::Table { columns, rows } => {
                if !columns.is_empty() {
                    let (grid, rows) = self.table_grid(columns, rows);
                    self.grid(&grid, &rows);
                }
            }
            Block::Bullets(items) => self.bullets(items),
            Block::Signatures(roles) => self.signatures(roles),
            Block::BarChart(bars) => self.bar_chart(bars),
            Block::Spacer(mm) => self.spacer(*mm),
            Block::PageBreak => {
                if !(self.at_top() && self.page().items.is_empty()) {
                    self.new_page();
                }
            }
        }
    }

    /// The running header and the footer, once the number of pages is known.
    fn furniture(&mut self, running_header: &str) {
        let count = self.pages.len();
        let header = wrap(self.fonts, running_header, false, SMALL, TEXT_W).into_iter().next().unwrap_or_default();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("Page {} of {}", i + 1, count);
            let number_w = self.fonts.width(&number, false, SMALL);
            let t = |x: f32, y: f32, text: String| Item::Text { x, y, size: SMALL, bold: false, grey: MUTED, text };
            let rule = |y: f32| Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.4, grey: RULE };
            page.items.push(t(LEFT, HEADER_BASELINE, header.clone()));
            page.items.push(rule(HEADER_RULE));
            page.items.push(rule(FOOTER_RULE));
            page.items.push(t(LEFT, FOOTER_BASELINE, "Confidential".into()));
            page.items.push(t(RIGHT - number_w, FOOTER_BASELINE, number));
        }
    }
}

/// Each column's width in points: the weights share the text width (equally if they are all 0).
fn column_widths(columns: &[Column]) -> Vec<f32> {
    let total: f32 = columns.iter().map(|c| c.width.max(0.0)).sum();
    if total > 0.0 {
        columns.iter().map(|c| c.width.max(0.0) / total * TEXT_W).collect()
    } else {
        vec![TEXT_W / columns.len().max(1) as f32; columns.len()]
    }
}

/// How many lines `text` takes in a body cell of column `index` of a table with `columns`
/// (0 if there is no such column).
pub(crate) fn cell_lines(fonts: &Fonts, columns: &[Column], index: usize, text: &str, style: &Style) -> usize {
    column_widths(columns)
        .get(index)
        .map_or(0, |&w| wrap(fonts, text, false, style.table_size, (w - 2.0 * CELL_PAD_X).max(1.0)).len())
}

/// Height of a signatures block with `roles` roles (kept together on one page).
fn signatures_height(roles: usize) -> f32 {
    4.0 + roles as f32 * (LINE + 16.0 + LINE + 12.0)
}

/// Lays out a document: the opening (organisation and title) on page 1, the blocks, then the
/// running header and footer on every page.
pub(crate) fn layout(fonts: &Fonts, info: &DocumentInfo, blocks: &[Block], style: &Style) -> Vec<Page> {
    let mut l = Layout { fonts, style: *style, pages: Vec::new(), y: TOP };
    l.new_page();
    l.opening(info);
    for (i, block) in blocks.iter().enumerate() {
        l.block(block, &blocks[i + 1..]);
    }
    l.furniture(&info.running_header);
    l.pages
}

#[cfg(test)]
mod tests {
    use super::super::fonts::fonts;
    use super::*;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    fn info() -> DocumentInfo {
        DocumentInfo {
            title: "Support plan".into(),
            author: "Test Carers Centre".into(),
            subject: None,
            created: chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap().and_hms_opt(10, 30, 0).unwrap(),
            organisation: vec!["Test Carers Centre".into(), "1 High Street".into()],
            running_header: "Support plan – Jane Doe (C-000123)".into(),
        }
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn wrap_fits_exact_widths() {
        let fonts = f();
        let w = fonts.width("alpha beta", false, BODY);
        assert_eq!(wrap(fonts, "alpha beta gamma", false, BODY, w), vec!["alpha beta", "gamma"]);
        assert_eq!(wrap(fonts, "alpha beta gamma", false, BODY, w - 0.01), vec!["alpha", "beta", "gamma"]);
        let all = fonts.width("alpha beta gamma", false, BODY);
        assert_eq!(wrap(fonts, "alpha beta gamma", false, BODY, all), vec!["alpha beta gamma"]);
    }

    #[test]
    fn wrap_breaks_long_words_by_characters_within_the_width() {
        let fonts = f();
        let word = "Supercalifragilisticexpialidocious".repeat(4);
        let width = 100.0;
        let lines = wrap(fonts, &format!("see {word} now"), false, BODY, width);
        assert!(lines.len() > 3, "{lines:?}");
        assert_eq!(lines[0], "see");
        for l in &lines {
            assert!(fonts.width(l, false, BODY) <= width + 0.001, "{l} overflows");
        }
        let rest = lines[1..].concat();
        assert!(rest == format!("{word} now") || rest == format!("{word}now"), "{lines:?}");
    }

    #[test]
    fn wrap_empty_text_and_newlines() {
        let fonts = f();
        assert_eq!(wrap(fonts, "", false, BODY, 100.0), vec![""]);
        assert_eq!(wrap(fonts, "one\ntwo\n\nthree", false, BODY, 300.0), vec!["one", "two", "", "three"]);
        assert_eq!(wrap(fonts, "  spaced   out  ", false, BODY, 300.0), vec!["spaced out"]);
    }

    #[test]
    fn wrap_measures_fallback_text() {
        let fonts = f();
        let name = "Олена Шевченко";
        let w = fonts.width(name, true, BODY);
        assert_eq!(wrap(fonts, name, true, BODY, w), vec![name]);
        assert_eq!(wrap(fonts, name, true, BODY, w - 0.5), vec!["Олена", "Шевченко"]);
    }

    fn long_table(rows: usize) -> Vec<Block> {
        let rows = (0..rows)
            .map(|i| {
                let notes = format!("n{i} ").repeat(12 + (i % 5) * 8);
                vec![format!("R{i}"), "Respite".to_string(), notes]
            })
            .collect();
        vec![
            Block::Heading("Support".into()),
            Block::Table {
                columns: vec![
                    Column { title: "Ref".into(), width: 1.0 },
                    Column { title: "Support".into(), width: 2.0 },
                    Column { title: "Notes on progress".into(), width: 5.0 },
                ],
                rows,
            },
        ]
    }

    #[test]
    fn a_sixty_row_table_spans_pages_repeats_its_header_and_never_splits_a_row() {
        let pages = layout(f(), &info(), &long_table(60), &Style::default());
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let mut seen_on: Vec<Option<usize>> = vec![None; 60];
        for (p, page) in pages.iter().enumerate() {
            let t = texts(page);
            assert!(t.contains(&"Notes on progress"), "page {} has no table header", p + 1);
            assert!(t.contains(&format!("Page {} of {}", p + 1, pages.len()).as_str()));
            assert!(t.contains(&"Confidential"));
            for text in t {
                for word in text.split(' ') {
                    if let Some(n) = word.strip_prefix('n').or_else(|| word.strip_prefix('R')) {
                        if let Ok(n) = n.parse::<usize>() {
                            let first = *seen_on[n].get_or_insert(p);
                            assert_eq!(first, p, "row {n} is split across pages {} and {}", first + 1, p + 1);
                        }
                    }
                }
            }
            // Nothing in the body goes past the bottom margin.
            for item in &page.items {
                if let Item::Line { y1, y2, .. } = item {
                    if *y1 < FOOTER_RULE - 1.0 {
                        assert!(*y1 <= BOTTOM + 0.01 && *y2 <= BOTTOM + 0.01);
                    }
                }
            }
        }
        assert!(seen_on.iter().all(Option::is_some));
    }

    #[test]
    fn a_heading_is_never_left_alone_at_the_bottom_of_a_page() {
        let mut blocks = vec![];
        // Fill page 1 almost to the bottom with paragraph lines.
        let room = ((BOTTOM - TOP - 120.0) / LINE) as usize;
        blocks.push(Block::Paragraph(vec!["line"; room].join("\n")));
        blocks.push(Block::Heading("Kept with the next line".into()));
        blocks.push(Block::Paragraph("First line after the heading".into()));
        let pages = layout(f(), &info(), &blocks, &Style::default());
        let heading_page = pages.iter().position(|p| texts(p).contains(&"Kept with the next line")).unwrap();
        let next_page = pages.iter().position(|p| texts(p).contains(&"First line after the heading")).unwrap();
        assert_eq!(heading_page, next_page);
    }

    #[test]
    fn a_heading_then_a_subheading_stay_with_the_text_under_both() {
        let room = ((BOTTOM - TOP - 120.0) / LINE) as usize;
        let blocks = vec![
            Block::Paragraph(vec!["line"; room].join("\n")),
            Block::Heading("Assessments".into()),
            Block::Subheading("Young carer's needs assessment".into()),
            Block::Paragraph("Assessed on 18/09/2025".into()),
        ];
        let pages = layout(f(), &info(), &blocks, &Style::default());
        assert_eq!(pages.len(), 2);
        for text in ["Assessments", "Young carer's needs assessment", "Assessed on 18/09/2025"] {
            assert!(texts(&pages[1]).contains(&text), "'{text}' is not on page 2");
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_at_line_boundaries() {
        let blocks = vec![Block::Table {
            columns: vec![Column { title: "Notes".into(), width: 1.0 }],
            rows: vec![vec![vec!["x"; 200].join("\n")]],
        }];
        let pages = layout(f(), &info(), &blocks, &Style::default());
        assert!(pages.len() >= 3);
        let xs: usize = pages.iter().map(|p| texts(p).iter().filter(|t| **t == "x").count()).sum();
        assert_eq!(xs, 200);
        assert!(texts(&pages[0]).contains(&"x"), "the row starts on page 1, under the title");
        for page in &pages {
            assert!(texts(page).contains(&"Notes"));
            assert!(texts(page).contains(&"x"));
        }
    }

    #[test]
    fn a_bar_chart_draws_bars_in_proportion_with_every_number_as_text() {
        let bar = |label: &str, value: Option<f64>, display: &str| Bar {
            label: label.into(),
            value,
            display: display.into(),
        };
        let bars = vec![
            bar("GP", Some(40.0), "40"),
            bar("School", Some(10.0), "10"),
            bar("Hospital", None, "<5"),
            bar("Other", Some(0.0), "0"),
        ];
        let pages = layout(f(), &info(), &[Block::BarChart(bars)], &Style::default());
        assert_eq!(pages.len(), 1);
        let t = texts(&pages[0]);
        for text in ["GP", "School", "Hospital", "Other", "40", "10", "<5", "0"] {
            assert!(t.contains(&text), "{text} is printed");
        }
        let widths: Vec<f32> = pages[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Fill { w, grey, .. } if *grey == BAR => Some(*w),
                _ => None,
            })
            .collect();
        assert_eq!(widths.len(), 2, "no bar for a suppressed count or 0");
        assert!((widths[0] / widths[1] - 4.0).abs() < 0.01, "{widths:?}");
        assert!(widths[0] <= TEXT_W * (1.0 - CHART_LABEL));
    }

    #[test]
    fn fields_signatures_and_page_breaks() {
        let blocks = vec![
            Block::Fields(vec![("Name".into(), "Jane Doe".into()), ("Address".into(), "1 Elm Road\nLeeds".into())]),
            Block::PageBreak,
            Block::Signatures(vec!["Carer".into(), "Support worker".into()]),
        ];
        let pages = layout(f(), &info(), &blocks, &Style::default());
        assert_eq!(pages.len(), 2);
        assert!(texts(&pages[0]).contains(&"Jane Doe"));
        let t = texts(&pages[1]);
        assert_eq!(t.iter().filter(|t| **t == "Signed").count(), 2);
        assert!(t.contains(&"Support worker"));
    }
}
