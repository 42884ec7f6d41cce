//! Layout: blocks to pages of positioned items, and the document's logical structure.
//!
//! Everything is in points, with `y` measured downwards from the top of the page. Layout
//! happens before drawing so the page count is known when the footers ("Page N of M") are
//! drawn. Every item is either part of a structure element ([`Tag::Node`]: a heading, a
//! paragraph, a table cell, ...) or an artifact (page furniture, rules, a table header
//! repeated on a later page). The structure elements form a tree in reading order, which the
//! drawing step writes as the PDF's structure tree.

use super::fonts::{clean, is_attached, Fonts};
use super::shape::Measure;
use super::{Bar, Block, Column, DocumentInfo, Letter, Picture, Style};

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
const HEADER_RULE: f32 = 38.0;
const FOOTER_RULE: f32 = PAGE_H - 40.0;
const MM: f32 = 72.0 / 25.4;

/// Dark grey for body text (good contrast, softer than pure black), mid grey for the running
/// header and footer, light grey for rules and table header fill.
pub(crate) const INK: f32 = 0.1;
const MUTED: f32 = 0.35;
const RULE: f32 = 0.6;
const FAINT: f32 = 0.85;
const HEADER_FILL: f32 = 0.92;
/// Bar charts: solid dark bars (readable in greyscale), labels in 38% of the width.
pub(crate) const BAR: f32 = 0.25;
const CHART_LABEL: f32 = 0.38;

/// What kind of structure element a node is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// A paragraph (also a line of the organisation block, a signature line).
    P,
    /// A heading of level 1 (the title), 2 or 3.
    H(u16),
    Table,
    THead,
    TBody,
    TR,
    /// A header cell: for its column (`false`) or its row (`true`).
    TH {
        row: bool,
    },
    TD,
    L,
    LI,
    Lbl,
    LBody,
    /// A chart or picture, with its alternative text.
    Figure(String),
}

/// A structure element: its role and its child elements in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub role: Role,
    pub children: Vec<usize>,
}

/// Kinds of artifact: drawn, but not part of the document's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Artifact {
    Header,
    Footer,
    PageNumber,
    /// Rules, borders, fills: design, not content.
    Layout,
    /// Content repeated because of a page break (a table's header row on a later page).
    Pagination,
    Watermark,
}

/// What an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tag {
    Node(usize),
    Artifact(Artifact),
}

/// One thing to draw. Greys are 0 (black) to 1 (white).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text (one line, cleaned) with its left end at `x` and baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: f32,
        text: String,
        tag: Tag,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
        tag: Tag,
    },
    /// A filled rectangle with its top-left corner at (x, y).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
        tag: Tag,
    },
    /// A picture (index into [`Laid::pictures`]) with its top-left corner at (x, y).
    Picture {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        picture: usize,
        tag: Tag,
    },
    /// A word drawn large and diagonally across the page ("DRAFT").
    Watermark {
        text: String,
    },
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Page {
    pub items: Vec<Item>,
}

/// A laid-out document: pages of items, and the structure tree (`roots` in reading order).
pub(crate) struct Laid {
    pub pages: Vec<Page>,
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    pub pictures: Vec<Picture>,
    /// Every heading, for the document outline (bookmarks): level, text, page index and top.
    pub outline: Vec<Heading>,
}

/// A heading placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    pub level: u16,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

/// Sizes and spacing for one [`Style`]: everything grows with the body text size, so large
/// print reflows the same layout rather than scaling a page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub body: f32,
    pub line: f32,
    pub small: f32,
    pub title: f32,
    /// Headings and subheadings: (size, space before, space after).
    pub heading: (f32, f32, f32),
    pub subheading: (f32, f32, f32),
    pub table_size: f32,
    pub table_line: f32,
    pub cell_pad_y: f32,
    pub cell_pad_x: f32,
    pub para_gap: f32,
    pub chart_size: f32,
    pub chart_line: f32,
    pub chart_bar: f32,
    /// Tables of more than two columns print as label/value pairs, one group per row.
    pub stack_tables: bool,
}

impl Metrics {
    pub(crate) fn of(style: &Style) -> Metrics {
        let body = style.body_size.max(6.0);
        let k = body / 10.5;
        Metrics {
            body,
            line: body * 1.35,
            small: (8.5 * k).min(14.0),
            title: 18.0 * k,
            heading: (14.0 * k, 12.0 * k, 4.0 * k),
            subheading: (12.0 * k, 8.0 * k, 3.0 * k),
            table_size: style.table_size,
            table_line: style.table_size * style.table_line,
            cell_pad_y: style.cell_padding,
            cell_pad_x: 4.0 * k,
            para_gap: 6.0 * k,
            chart_size: 9.0 * k,
            chart_line: 9.0 * k * 1.3,
            chart_bar: 8.0 * k,
            stack_tables: body >= 14.0,
        }
    }
}

/// Wraps `text` to `width` points: `\n` starts a new line, words are separated by spaces (runs
/// of spaces collapse to one), and a word wider than the line is broken between characters
/// (never before a mark or joiner). Empty text is one empty line. Every returned line measures
/// at most `width`.
pub(crate) fn wrap(m: &mut Measure, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
    let text = clean(text);
    let fits = |em: f32| em * size <= width + 0.001;
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        // The line's width in em and the face of its last character (the next space's face).
        let (mut line_w, mut last) = (0.0, None);
        for word in raw.split(' ').filter(|w| !w.is_empty()) {
            let (word_w, face) = m.word(word, bold);
            if !line.is_empty() {
                let with = line_w + m.space(last, bold) + word_w;
                if fits(with) {
                    line.push(' ');
                    line.push_str(word);
                    (line_w, last) = (with, face);
                    continue;
                }
                out.push(std::mem::take(&mut line));
            }
            if fits(word_w) {
                line = word.to_string();
                (line_w, last) = (word_w, face);
                continue;
            }
            // A word longer than the line: break it between characters (never before a mark
            // or joiner, which belong to the character before them).
            let mut piece = String::new();
            for c in word.chars() {
                let mut candidate = piece.clone();
                candidate.push(c);
                if piece.is_empty() || is_attached(c) || fits(m.word(&candidate, bold).0) {
                    piece = candidate;
                } else {
                    out.push(std::mem::replace(&mut piece, c.to_string()));
                }
            }
            (line_w, last) = m.word(&piece, bold);
            line = piece;
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
    m: Measure<'a>,
    k: Metrics,
    style: Style,
    pages: Vec<Page>,
    nodes: Vec<Node>,
    roots: Vec<usize>,
    pictures: Vec<Picture>,
    outline: Vec<Heading>,
    y: f32,
    /// The level of the last heading placed (1 for the title).
    level: u16,
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
/// bold first column (row headers) and a faint rule between pairs.
struct Grid {
    widths: Vec<f32>,
    size: f32,
    line: f32,
    pad_x: f32,
    pad_y: f32,
    borders: bool,
    header: Option<Row>,
}

impl Grid {
    fn row_height(&self, lines: usize) -> f32 {
        lines as f32 * self.line + 2.0 * self.pad_y
    }
}

/// The structure elements of a grid being laid out: its header cells, drawn as such the first
/// time only (a header repeated on a later page is an artifact).
struct GridNodes {
    body: usize,
    header_cells: Vec<Tag>,
}

const LAYOUT: Tag = Tag::Artifact(Artifact::Layout);

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, style: &Style) -> Layout<'a> {
        let mut l = Layout {
            m: Measure::new(fonts),
            k: Metrics::of(style),
            style: *style,
            pages: Vec::new(),
            nodes: Vec::new(),
            roots: Vec::new(),
            pictures: Vec::new(),
            outline: Vec::new(),
            y: TOP,
            level: 1,
        };
        l.new_page();
        l
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn push(&mut self, item: Item) {
        self.page().items.push(item);
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.001
    }

    /// A new structure element under `parent` (or at the top level).
    fn node(&mut self, role: Role, parent: Option<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node { role, children: Vec::new() });
        match parent {
            Some(p) => self.nodes[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }

    /// Records a heading about to be placed at the current position, for the outline.
    fn mark(&mut self, level: u16, text: &str) {
        let heading = Heading { level, text: clean(text).replace('\n', " "), page: self.pages.len() - 1, y: self.y };
        self.outline.push(heading);
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

    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f32, top: f32, line: f32, size: f32, bold: bool, text: String, tag: Tag) {
        if text.is_empty() {
            return;
        }
        let y = baseline(top, line, size);
        self.push(Item::Text { x, y, size, bold, grey: INK, text, tag });
    }

    fn wrap(&mut self, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
        wrap(&mut self.m, text, bold, size, width)
    }

    fn width(&mut self, text: &str, bold: bool, size: f32) -> f32 {
        self.m.width(&clean(text), bold, size)
    }

    /// Lines of text placed one after another, breaking pages between lines.
    #[allow(clippy::too_many_arguments)]
    fn lines(&mut self, x: f32, lines: Vec<String>, size: f32, line: f32, bold: bool, tag: Tag) {
        for l in lines {
            self.need(line);
            self.text(x, self.y, line, size, bold, l, tag);
            self.y += line;
        }
    }

    /// Page 1's top: the organisation (a paragraph) and a rule, then the title (heading 1).
    fn opening(&mut self, info: &DocumentInfo) {
        if let Some(letter) = &info.letter {
            self.letterhead(info, letter);
        } else if !info.organisation.is_empty() {
            let p = self.node(Role::P, None);
            self.organisation(&info.organisation, LEFT, TEXT_W, p);
            self.y += 8.0;
            let y = self.y;
            self.push(Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.5, grey: RULE, tag: LAYOUT });
            self.y += 14.0;
        }
        let h = self.node(Role::H(1), None);
        let size = if info.letter.is_some() { self.k.heading.0 } else { self.k.title };
        let lines = self.wrap(&info.title, true, size, TEXT_W);
        self.mark(1, &info.title);
        self.lines(LEFT, lines, size, size * 1.25, true, Tag::Node(h));
        self.level = 1;
        self.y += if info.letter.is_some() { 6.0 } else { 10.0 };
    }

    /// The organisation's name (bold) and contact lines, in a column at `x`.
    fn organisation(&mut self, lines: &[String], x: f32, width: f32, p: usize) {
        let k = self.k.body / 10.5;
        for (i, line) in lines.iter().enumerate() {
            let (size, bold, grey) = if i == 0 { (12.0 * k, true, INK) } else { (9.5 * k, false, MUTED) };
            let lh = size * 1.3;
            for l in self.wrap(line, bold, size, width) {
                let y = baseline(self.y, lh, size);
                self.push(Item::Text { x, y, size, bold, grey, text: l, tag: Tag::Node(p) });
                self.y += lh;
            }
        }
    }

    /// A letter's first page: the letterhead (logo and organisation), the address in the
    /// window of a DL envelope, then the date and reference, in that reading order.
    fn letterhead(&mut self, info: &DocumentInfo, letter: &Letter) {
        let top = 12.0 * MM;
        self.y = top;
        let mut text_x = LEFT;
        if let Some(logo) = &letter.logo {
            let h = 16.0 * MM;
            let w = (h * logo.width as f32 / logo.height.max(1) as f32).min(50.0 * MM);
            let h = w * logo.height as f32 / logo.width.max(1) as f32;
            let figure = self.node(Role::Figure(logo.alt.clone()), None);
            self.pictures.push(logo.clone());
            let picture = self.pictures.len() - 1;
            self.push(Item::Picture { x: LEFT, y: top, w, h, picture, tag: Tag::Node(figure) });
            text_x = LEFT + w + 6.0 * MM;
        }
        let p = self.node(Role::P, None);
        self.organisation(&info.organisation, text_x, RIGHT - text_x, p);
        // The address: BS EN ISO 5008-style window position for a DL envelope with a left
        // window (90 x 45 mm, 20 mm from the left and 50 mm from the top of the folded sheet):
        // 25 mm from the left, from 52 mm down, at most 40 mm tall. Its size is capped so six
        // lines fit the window even in large print.
        let address = self.node(Role::P, None);
        let size = self.k.body.min(12.0);
        let lh = size * 1.25;
        let mut y = 52.0 * MM;
        let lines: Vec<String> = letter.address.iter().flat_map(|l| self.wrap(l, false, size, 85.0 * MM)).collect();
        for l in lines.into_iter().take(7) {
            self.push(Item::Text {
                x: 25.0 * MM,
                y: baseline(y, lh, size),
                size,
                bold: false,
                grey: INK,
                text: l,
                tag: Tag::Node(address),
            });
            y += lh;
        }
        self.y = self.y.max(95.0 * MM);
        let details = self.node(Role::P, None);
        let mut lines = vec![letter.date.clone()];
        lines.extend(letter.reference.iter().map(|r| format!("Our reference: {r}")));
        for l in lines {
            let wrapped = self.wrap(&l, false, self.k.body, TEXT_W);
            let (body, line) = (self.k.body, self.k.line);
            self.lines(LEFT, wrapped, body, line, false, Tag::Node(details));
        }
        self.y += self.k.para_gap * 2.0;
    }

    /// Height of the first line or row of a block: what a heading must be kept with.
    fn first_unit(&mut self, block: Option<&Block>) -> f32 {
        match block {
            None | Some(Block::PageBreak) | Some(Block::Spacer(_)) => 0.0,
            Some(Block::Heading(text)) => self.heading_height(text, self.k.heading),
            Some(Block::Subheading(text)) => self.heading_height(text, self.k.subheading),
            Some(Block::Paragraph(_)) | Some(Block::Bullets(_)) => self.k.line,
            Some(Block::Fields(pairs)) => match pairs.first() {
                Some(pair) => {
                    let (_, rows) = self.fields_grid(std::slice::from_ref(pair));
                    rows.first().map_or(0.0, |r| r.lines() as f32 * self.k.line)
                }
                None => 0.0,
            },
            Some(Block::Table { columns, rows }) => {
                if self.stacked(columns) {
                    let pairs = stack_row(columns, rows.first().map(Vec::as_slice).unwrap_or(&[]));
                    return self.first_unit(Some(&Block::Fields(pairs.into_iter().take(1).collect())));
                }
                let (grid, rows) = self.table_grid(columns, &rows[..rows.len().min(1)]);
                let header = grid.header.as_ref().map_or(0.0, |h| grid.row_height(h.lines()));
                header + rows.first().map_or(0.0, |r| grid.row_height(r.lines()))
            }
            Some(Block::Signatures(roles)) => self.signatures_height(roles.len()),
            Some(Block::BarChart(bars)) => bars.first().map_or(0.0, |b| self.bar_row_height(b)),
            Some(Block::KeepTogether(blocks)) => match self.measure(blocks) {
                Some(h) => h,
                None => self.keep_with(blocks),
            },
            Some(Block::Picture { picture, width_mm }) => picture_size(picture, *width_mm).1,
        }
    }

    /// What a heading must be kept with: the first line or row of the blocks after it, counting
    /// a heading that follows (a heading then a subheading stay with the text under both).
    fn keep_with(&mut self, rest: &[Block]) -> f32 {
        match rest.first() {
            Some(Block::Heading(text)) => self.heading_height(text, self.k.heading) + self.keep_with(&rest[1..]),
            Some(Block::Subheading(text)) => self.heading_height(text, self.k.subheading) + self.keep_with(&rest[1..]),
            other => self.first_unit(other),
        }
    }

    /// The height `blocks` take laid out from the top of a page, or `None` if they do not fit
    /// on one page.
    fn measure(&mut self, blocks: &[Block]) -> Option<f32> {
        let fonts = self.m.fonts;
        let mut trial = Layout::new(fonts, &self.style);
        std::mem::swap(&mut trial.m, &mut self.m);
        trial.level = self.level;
        trial.blocks(blocks);
        std::mem::swap(&mut trial.m, &mut self.m);
        (trial.pages.len() == 1).then_some(trial.y - TOP)
    }

    fn heading_height(&mut self, text: &str, (size, before, after): (f32, f32, f32)) -> f32 {
        before + self.wrap(text, true, size, TEXT_W).len() as f32 * size * 1.3 + after
    }

    fn heading(&mut self, text: &str, sizes: (f32, f32, f32), level: u16, rest: &[Block]) {
        let (size, before, after) = sizes;
        let lh = size * 1.3;
        let lines = self.wrap(text, true, size, TEXT_W);
        let height = before + lines.len() as f32 * lh + after + self.keep_with(rest);
        // Keep with the next block's first line or row: never alone at the bottom of a page.
        self.need(height);
        self.gap(before);
        let h = self.node(Role::H(level), None);
        self.level = level;
        self.mark(level, text);
        for l in lines {
            self.text(LEFT, self.y, lh, size, true, l, Tag::Node(h));
            self.y += lh;
        }
        self.y += after;
    }

    fn paragraph(&mut self, text: &str) {
        let (body, line) = (self.k.body, self.k.line);
        let mut p: Option<usize> = None;
        for raw in text.split('\n') {
            if raw.trim().is_empty() {
                // A blank line ends the paragraph.
                p = None;
                self.gap(self.k.para_gap);
                continue;
            }
            let node = match p {
                Some(node) => node,
                None => *p.insert(self.node(Role::P, None)),
            };
            let lines = self.wrap(raw, false, body, TEXT_W);
            self.lines(LEFT, lines, body, line, false, Tag::Node(node));
        }
        self.gap(self.k.para_gap);
    }

    fn bullets(&mut self, items: &[String]) {
        let (body, line) = (self.k.body, self.k.line);
        let indent = body * 1.5;
        let list = self.node(Role::L, None);
        for item in items {
            let li = self.node(Role::LI, Some(list));
            let label = self.node(Role::Lbl, Some(li));
            let content = self.node(Role::LBody, Some(li));
            let lines = self.wrap(item, false, body, TEXT_W - indent);
            for (i, l) in lines.into_iter().enumerate() {
                self.need(line);
                if i == 0 {
                    let y = baseline(self.y, line, body);
                    let bullet = Item::Text {
                        x: LEFT + 4.0,
                        y,
                        size: body,
                        bold: false,
                        grey: INK,
                        text: "•".into(),
                        tag: Tag::Node(label),
                    };
                    self.push(bullet);
                }
                self.text(LEFT + indent, self.y, line, body, false, l, Tag::Node(content));
                self.y += line;
            }
            self.y += 2.0;
        }
        self.gap(self.k.para_gap - 2.0);
    }

    fn fields_grid(&mut self, pairs: &[(String, String)]) -> (Grid, Vec<Row>) {
        let body = self.k.body;
        let gap = 8.0;
        let label_w = TEXT_W * if self.k.stack_tables { 0.42 } else { 0.35 };
        let grid = Grid {
            widths: vec![label_w, TEXT_W - label_w],
            size: body,
            line: self.k.line,
            pad_x: 0.0,
            pad_y: 2.0,
            borders: false,
            header: None,
        };
        let rows = pairs
            .iter()
            .map(|(label, value)| Row {
                cells: vec![
                    self.wrap(label, true, body, label_w - gap),
                    self.wrap(value, false, body, TEXT_W - label_w),
                ],
            })
            .collect();
        (grid, rows)
    }

    /// Whether a table is printed as label/value pairs per row (large print, over 2 columns).
    fn stacked(&self, columns: &[Column]) -> bool {
        self.k.stack_tables && columns.len() > 2
    }

    fn table_grid(&mut self, columns: &[Column], rows: &[Vec<String>]) -> (Grid, Vec<Row>) {
        let widths = column_widths(columns);
        let (size, pad_x) = (self.k.table_size, self.k.cell_pad_x);
        let cell = |l: &mut Self, text: &str, bold: bool, w: f32| l.wrap(text, bold, size, (w - 2.0 * pad_x).max(1.0));
        let header =
            Row { cells: columns.iter().zip(&widths).map(|(c, &w)| cell(self, &c.title, true, w)).collect::<Vec<_>>() };
        let rows = rows
            .iter()
            .map(|row| Row {
                cells: widths
                    .iter()
                    .enumerate()
                    .map(|(i, &w)| cell(self, row.get(i).map_or("", String::as_str), false, w))
                    .collect(),
            })
            .collect();
        let grid = Grid {
            widths,
            size,
            line: self.k.table_line,
            pad_x,
            pad_y: self.k.cell_pad_y,
            borders: true,
            header: Some(header),
        };
        (grid, rows)
    }

    /// Draws one (part of a) row at the current `y`: lines `from..from + count` of each cell.
    /// `cells` are the structure elements of its cells (none for a repeated header).
    fn draw_row(&mut self, grid: &Grid, row: &Row, from: usize, count: usize, header: bool, cells: &[Tag]) {
        let h = grid.row_height(count);
        let top = self.y;
        if header {
            let fill = Item::Fill { x: LEFT, y: top, w: grid.widths.iter().sum(), h, grey: HEADER_FILL, tag: LAYOUT };
            self.push(fill);
        }
        let mut x = LEFT;
        for (i, (lines, &w)) in row.cells.iter().zip(&grid.widths).enumerate() {
            let bold = header || (!grid.borders && i == 0);
            let tag = cells.get(i).copied().unwrap_or(Tag::Artifact(Artifact::Pagination));
            for (k, l) in lines.iter().skip(from).take(count).enumerate() {
                let line_top = top + grid.pad_y + k as f32 * grid.line;
                self.text(x + grid.pad_x, line_top, grid.line, grid.size, bold, l.clone(), tag);
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
                self.push(Item::Line { x1, y1, x2, y2, width: 0.5, grey: RULE, tag: LAYOUT });
            }
        }
        self.y = top + h;
    }

    /// The header row: real header cells the first time, a pagination artifact on later pages.
    fn draw_header(&mut self, grid: &Grid, nodes: &mut GridNodes) {
        let Some(header) = &grid.header else { return };
        let cells = std::mem::take(&mut nodes.header_cells);
        self.draw_row(grid, header, 0, header.lines(), true, &cells);
    }

    /// Lays out a grid: a row never splits across pages, and a table's header row is repeated
    /// at the top of every page the table continues on. The only exception is a row taller than
    /// a whole page, which is split at line boundaries.
    fn grid(&mut self, grid: &Grid, rows: &[Row]) {
        let table = self.node(Role::Table, None);
        let header_h = grid.header.as_ref().map_or(0.0, |h| grid.row_height(h.lines()));
        // The header goes with the first row (or, for a row taller than a page, its first lines).
        let first = rows.first().map_or(0.0, |r| grid.row_height(r.lines().min(3)));
        self.need(header_h + first);
        let mut nodes = match &grid.header {
            Some(header) => {
                let head = self.node(Role::THead, Some(table));
                let tr = self.node(Role::TR, Some(head));
                let header_cells =
                    (0..header.cells.len()).map(|_| Tag::Node(self.node(Role::TH { row: false }, Some(tr)))).collect();
                GridNodes { body: self.node(Role::TBody, Some(table)), header_cells }
            }
            None => GridNodes { body: table, header_cells: Vec::new() },
        };
        self.draw_header(grid, &mut nodes);
        for (index, row) in rows.iter().enumerate() {
            let tr = self.node(Role::TR, Some(nodes.body));
            let cells: Vec<Tag> = (0..row.cells.len())
                .map(|i| {
                    let role = if grid.header.is_none() && i == 0 { Role::TH { row: true } } else { Role::TD };
                    Tag::Node(self.node(role, Some(tr)))
                })
                .collect();
            if index > 0 && !grid.borders {
                let y = self.y + 1.0;
                let item = Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.4, grey: FAINT, tag: LAYOUT };
                self.y += 2.0;
                if self.y + grid.row_height(row.lines()) <= BOTTOM {
                    self.push(item);
                }
            }
            let lines = row.lines();
            let h = grid.row_height(lines);
            if self.y + h > BOTTOM + 0.001 {
                let page_room = BOTTOM - TOP - header_h;
                if h <= page_room {
                    self.new_page();
                    self.draw_header(grid, &mut nodes);
                } else {
                    // Taller than a page: split at line boundaries, continuing on new pages.
                    let mut from = 0;
                    while from < lines {
                        let room = ((BOTTOM - self.y - 2.0 * grid.pad_y) / grid.line).floor().max(0.0) as usize;
                        if room == 0 {
                            self.new_page();
                            self.draw_header(grid, &mut nodes);
                            continue;
                        }
                        let count = room.min(lines - from);
                        self.draw_row(grid, row, from, count, false, &cells);
                        from += count;
                        if from < lines {
                            self.new_page();
                            self.draw_header(grid, &mut nodes);
                        }
                    }
                    continue;
                }
            }
            self.draw_row(grid, row, 0, lines, false, &cells);
        }
        self.gap(self.k.para_gap + 2.0);
    }

    /// A table in large print: each row as label/value pairs (the column titles as row
    /// headers), the rows separated by a rule.
    fn stacked_table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                self.need(self.k.line * 2.0);
                let y = self.y;
                self.push(Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.8, grey: RULE, tag: LAYOUT });
                self.y += self.k.para_gap;
            }
            let (grid, cells) = self.fields_grid(&stack_row(columns, row));
            self.grid(&grid, &cells);
        }
    }

    fn signatures_height(&self, roles: usize) -> f32 {
        4.0 + roles as f32 * (self.k.line + 16.0 + self.k.line + 12.0)
    }

    fn signatures(&mut self, roles: &[String]) {
        let (body, line) = (self.k.body, self.k.line);
        self.need(self.signatures_height(roles.len()));
        self.gap(4.0);
        for role in roles {
            let p = self.node(Role::P, None);
            let lines = self.wrap(role, true, body, TEXT_W);
            self.lines(LEFT, lines, body, line, true, Tag::Node(p));
            self.y += 16.0;
            let base = baseline(self.y, line, body);
            let mut x = LEFT;
            let fields = self.node(Role::P, None);
            for (label, width) in [("Signed", 0.40), ("Name", 0.36), ("Date", 0.24)] {
                let field_w = TEXT_W * width;
                let label_w = self.width(label, false, body);
                let text = Item::Text {
                    x,
                    y: base,
                    size: body,
                    bold: false,
                    grey: INK,
                    text: label.into(),
                    tag: Tag::Node(fields),
                };
                self.push(text);
                let (x1, x2) = (x + label_w + 4.0, x + field_w - 12.0);
                self.push(Item::Line { x1, y1: base + 1.5, x2, y2: base + 1.5, width: 0.6, grey: 0.3, tag: LAYOUT });
                x += field_w;
            }
            self.y += line + 12.0;
        }
        self.gap(self.k.para_gap);
    }

    fn bar_row_height(&mut self, bar: &Bar) -> f32 {
        let (size, line) = (self.k.chart_size, self.k.chart_line);
        self.wrap(&bar.label, false, size, TEXT_W * CHART_LABEL).len().max(1) as f32 * line + 3.0
    }

    /// A horizontal bar chart, as one figure whose alternative text reads out every bar:
    /// label, solid bar scaled to the largest value, the number beside.
    fn bar_chart(&mut self, bars: &[Bar]) {
        let (size, line, bar_h) = (self.k.chart_size, self.k.chart_line, self.k.chart_bar);
        let alt = format!(
            "Bar chart. {}",
            bars.iter().map(|b| format!("{}: {}", b.label, spoken(&b.display))).collect::<Vec<_>>().join("; ")
        );
        let figure = Tag::Node(self.node(Role::Figure(alt), None));
        let label_w = TEXT_W * CHART_LABEL;
        let number_w = bars.iter().map(|b| self.width(&b.display, true, size)).fold(0.0, f32::max);
        let bar_x = LEFT + label_w + 8.0;
        let area = (RIGHT - bar_x - number_w - 8.0).max(10.0);
        let max = bars.iter().filter_map(|b| b.value).fold(0.0, f64::max);
        self.gap(2.0);
        for bar in bars {
            let lines = self.wrap(&bar.label, false, size, label_w);
            let h = lines.len().max(1) as f32 * line + 3.0;
            self.need(h);
            let top = self.y;
            for (k, l) in lines.into_iter().enumerate() {
                self.text(LEFT, top + k as f32 * line, line, size, false, l, figure);
            }
            let w = match bar.value {
                Some(v) if v > 0.0 && max > 0.0 => ((v / max) as f32 * area).max(1.5),
                _ => 0.0,
            };
            let bar_top = top + (line - bar_h) / 2.0;
            if w > 0.0 {
                self.push(Item::Fill { x: bar_x, y: bar_top, w, h: bar_h, grey: BAR, tag: figure });
            }
            // The axis: a thin line down the bars' left edge.
            self.push(Item::Line { x1: bar_x, y1: top, x2: bar_x, y2: top + h, width: 0.6, grey: MUTED, tag: figure });
            let x = bar_x + w + 4.0;
            let y = baseline(top, line, size);
            self.push(Item::Text { x, y, size, bold: true, grey: INK, text: bar.display.clone(), tag: figure });
            self.y += h;
        }
        self.gap(self.k.para_gap + 2.0);
    }

    fn picture(&mut self, picture: &Picture, width_mm: f32) {
        let (w, h) = picture_size(picture, width_mm);
        self.need(h);
        let figure = self.node(Role::Figure(picture.alt.clone()), None);
        self.pictures.push(picture.clone());
        let index = self.pictures.len() - 1;
        let y = self.y;
        self.push(Item::Picture { x: LEFT, y, w, h, picture: index, tag: Tag::Node(figure) });
        self.y += h;
        self.gap(self.k.para_gap);
    }

    fn spacer(&mut self, mm: f32) {
        let h = mm.max(0.0) * MM;
        if self.y + h > BOTTOM {
            self.new_page();
        } else {
            self.y += h;
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for (i, block) in blocks.iter().enumerate() {
            self.block(block, &blocks[i + 1..]);
        }
    }

    /// Lays out `block`; `rest` is the blocks after it (a heading is kept with them).
    fn block(&mut self, block: &Block, rest: &[Block]) {
        match block {
            Block::Heading(text) => self.heading(text, self.k.heading, 2, rest),
            Block::Subheading(text) => {
                let level = if self.level >= 2 { 3 } else { 2 };
                let sizes = if level == 3 { self.k.subheading } else { self.k.heading };
                self.heading(text, sizes, level, rest)
            }
            Block::Paragraph(text) => self.paragraph(text),
            Block::Fields(pairs) => {
                let (grid, rows) = self.fields_grid(pairs);
                self.grid(&grid, &rows);
            }
            Block::Table { columns, rows } => {
                if self.stacked(columns) {
                    self.stacked_table(columns, rows);
                } else if !columns.is_empty() {
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
            Block::KeepTogether(blocks) => {
                if let Some(h) = self.measure(blocks) {
                    self.need(h);
                }
                self.blocks(blocks);
            }
            Block::Picture { picture, width_mm } => self.picture(picture, *width_mm),
        }
    }

    /// The running header and the footer, once the number of pages is known; and the
    /// watermark of a draft.
    fn furniture(&mut self, info: &DocumentInfo) {
        let count = self.pages.len();
        let small = self.k.small;
        let header =
            wrap(&mut self.m, &info.running_header, false, small, TEXT_W).into_iter().next().unwrap_or_default();
        let header_baseline = HEADER_RULE - 6.0;
        let footer_baseline = FOOTER_RULE + 4.0 + small;
        for i in 0..count {
            let number = format!("Page {} of {}", i + 1, count);
            let number_w = self.m.width(&number, false, small);
            let t = |x: f32, y: f32, text: String, kind: Artifact| Item::Text {
                x,
                y,
                size: small,
                bold: false,
                grey: MUTED,
                text,
                tag: Tag::Artifact(kind),
            };
            let rule = |y: f32| Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.4, grey: RULE, tag: LAYOUT };
            let page = &mut self.pages[i];
            // A letter's first page has its letterhead instead of a running header.
            if !(i == 0 && info.letter.is_some()) {
                page.items.push(t(LEFT, header_baseline, header.clone(), Artifact::Header));
                page.items.push(rule(HEADER_RULE));
            }
            page.items.push(rule(FOOTER_RULE));
            page.items.push(t(LEFT, footer_baseline, "Confidential".to_string(), Artifact::Footer));
            page.items.push(t(RIGHT - number_w, footer_baseline, number, Artifact::PageNumber));
            if info.draft {
                page.items.push(Item::Watermark { text: "DRAFT".into() });
            }
        }
    }
}

/// How a figure's number is read out: "<5" is "fewer than 5".
fn spoken(display: &str) -> String {
    match display.strip_prefix('<') {
        Some(n) => format!("fewer than {n}"),
        None => display.to_string(),
    }
}

/// A large-print table row as label/value pairs: each column's title with the row's cell
/// ("Not recorded" never appears here unless the caller wrote it).
fn stack_row(columns: &[Column], row: &[String]) -> Vec<(String, String)> {
    columns.iter().enumerate().map(|(i, c)| (c.title.clone(), row.get(i).cloned().unwrap_or_default())).collect()
}

/// A picture's size on the page in points: `width_mm` wide (at most the text width), its
/// height from the picture's proportions.
fn picture_size(p: &Picture, width_mm: f32) -> (f32, f32) {
    let w = (width_mm * MM).clamp(1.0, TEXT_W);
    (w, w * p.height.max(1) as f32 / p.width.max(1) as f32)
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
    let pad = Metrics::of(style).cell_pad_x;
    let mut m = Measure::new(fonts);
    column_widths(columns)
        .get(index)
        .map_or(0, |&w| wrap(&mut m, text, false, style.table_size, (w - 2.0 * pad).max(1.0)).len())
}

/// Lays out a document: the opening (organisation and title, or a letterhead) on page 1, the
/// blocks, then the running header and footer on every page.
pub(crate) fn layout(fonts: &Fonts, info: &DocumentInfo, blocks: &[Block], style: &Style) -> Laid {
    let mut l = Layout::new(fonts, style);
    l.opening(info);
    l.blocks(blocks);
    l.furniture(info);
    Laid { pages: l.pages, nodes: l.nodes, roots: l.roots, pictures: l.pictures, outline: l.outline }
}
#[cfg(test)]
mod tests {
    use super::super::fonts::fonts;
    use super::*;

    const BODY: f32 = 10.5;
    const LINE: f32 = BODY * 1.35;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    fn m() -> Measure<'static> {
        Measure::new(f())
    }

    fn pages(blocks: &[Block]) -> Vec<Page> {
        layout(f(), &info(), blocks, &Style::default()).pages
    }

    fn info() -> DocumentInfo {
        DocumentInfo {
            title: "Support plan".into(),
            author: "Test Carers Centre".into(),
            subject: None,
            created: chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap().and_hms_opt(10, 30, 0).unwrap(),
            organisation: vec!["Test Carers Centre".into(), "1 High Street".into()],
            running_header: "Support plan – Jane Doe (C-000123)".into(),
            ..DocumentInfo::default()
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
        assert_eq!(wrap(&mut m(), "alpha beta gamma", false, BODY, w), vec!["alpha beta", "gamma"]);
        assert_eq!(wrap(&mut m(), "alpha beta gamma", false, BODY, w - 0.01), vec!["alpha", "beta", "gamma"]);
        let all = fonts.width("alpha beta gamma", false, BODY);
        assert_eq!(wrap(&mut m(), "alpha beta gamma", false, BODY, all), vec!["alpha beta gamma"]);
    }

    #[test]
    fn wrap_breaks_long_words_by_characters_within_the_width() {
        let fonts = f();
        let word = "Supercalifragilisticexpialidocious".repeat(4);
        let width = 100.0;
        let lines = wrap(&mut m(), &format!("see {word} now"), false, BODY, width);
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
        assert_eq!(wrap(&mut m(), "", false, BODY, 100.0), vec![""]);
        assert_eq!(wrap(&mut m(), "one\ntwo\n\nthree", false, BODY, 300.0), vec!["one", "two", "", "three"]);
        assert_eq!(wrap(&mut m(), "  spaced   out  ", false, BODY, 300.0), vec!["spaced out"]);
    }

    #[test]
    fn wrap_measures_fallback_text() {
        let fonts = f();
        let name = "Олена Шевченко";
        let w = fonts.width(name, true, BODY);
        assert_eq!(wrap(&mut m(), name, true, BODY, w), vec![name]);
        assert_eq!(wrap(&mut m(), name, true, BODY, w - 0.5), vec!["Олена", "Шевченко"]);
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
        let pages = pages(&long_table(60));
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
        let pages = pages(&blocks);
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
        let pages = pages(&blocks);
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
        let pages = pages(&blocks);
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
        let pages = pages(&[Block::BarChart(bars)]);
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
        let pages = pages(&blocks);
        assert_eq!(pages.len(), 2);
        assert!(texts(&pages[0]).contains(&"Jane Doe"));
        let t = texts(&pages[1]);
        assert_eq!(t.iter().filter(|t| **t == "Signed").count(), 2);
        assert!(t.contains(&"Support worker"));
    }

    fn roles(laid: &Laid) -> Vec<Role> {
        fn walk(laid: &Laid, n: usize, out: &mut Vec<Role>) {
            out.push(laid.nodes[n].role.clone());
            for &c in &laid.nodes[n].children {
                walk(laid, c, out);
            }
        }
        let mut out = Vec::new();
        for &r in &laid.roots {
            walk(laid, r, &mut out);
        }
        out
    }

    #[test]
    fn the_structure_is_in_reading_order_with_header_cells_and_list_parts() {
        let laid = layout(f(), &info(), &long_table(3), &Style::default());
        let r = roles(&laid);
        assert_eq!(r[0], Role::P, "the organisation");
        assert_eq!(r[1], Role::H(1), "the title");
        assert_eq!(r[2], Role::H(2), "the heading");
        assert_eq!(
            &r[3..9],
            &[
                Role::Table,
                Role::THead,
                Role::TR,
                Role::TH { row: false },
                Role::TH { row: false },
                Role::TH { row: false }
            ]
        );
        assert_eq!(r[9], Role::TBody);
        assert_eq!(r.iter().filter(|x| **x == Role::TD).count(), 9);

        let laid = layout(
            f(),
            &info(),
            &[Block::Fields(vec![("Name".into(), "Jane".into())]), Block::Bullets(vec!["one".into(), "two".into()])],
            &Style::default(),
        );
        let r = roles(&laid);
        assert!(r.windows(4).any(|w| w == [Role::Table, Role::TR, Role::TH { row: true }, Role::TD]), "{r:?}");
        assert!(r.windows(4).any(|w| w == [Role::L, Role::LI, Role::Lbl, Role::LBody]), "{r:?}");
    }

    #[test]
    fn every_item_is_content_or_an_artifact_and_furniture_is_an_artifact() {
        let laid = layout(f(), &info(), &long_table(60), &Style::default());
        let mut texts_by_tag: Vec<(String, Tag)> = Vec::new();
        for page in &laid.pages {
            for item in &page.items {
                if let Item::Text { text, tag, .. } = item {
                    texts_by_tag.push((text.clone(), *tag));
                    if let Tag::Node(n) = tag {
                        assert!(*n < laid.nodes.len());
                    }
                }
            }
        }
        for (text, tag) in &texts_by_tag {
            if text == "Confidential" {
                assert_eq!(*tag, Tag::Artifact(Artifact::Footer));
            }
            if text.starts_with("Page ") {
                assert_eq!(*tag, Tag::Artifact(Artifact::PageNumber));
            }
        }
        // The header row is content once, and an artifact on the pages it is repeated on.
        let header: Vec<&Tag> = texts_by_tag.iter().filter(|(t, _)| t == "Notes on progress").map(|(_, t)| t).collect();
        assert!(header.len() >= 3);
        assert!(matches!(header[0], Tag::Node(_)));
        assert!(header[1..].iter().all(|t| **t == Tag::Artifact(Artifact::Pagination)));
    }

    #[test]
    fn a_subheading_without_a_heading_is_level_two() {
        let laid = layout(
            f(),
            &info(),
            &[Block::Subheading("Alone".into()), Block::Heading("H".into()), Block::Subheading("S".into())],
            &Style::default(),
        );
        let levels: Vec<u16> = laid.outline.iter().map(|h| h.level).collect();
        assert_eq!(levels, vec![1, 2, 2, 3]);
    }

    #[test]
    fn blocks_kept_together_move_to_the_next_page_whole() {
        let room = ((BOTTOM - TOP - 160.0) / LINE) as usize;
        let bars =
            (0..8).map(|i| Bar { label: format!("Row {i}"), value: Some(i as f64), display: i.to_string() }).collect();
        let blocks = vec![
            Block::Paragraph(vec!["line"; room].join("\n")),
            Block::KeepTogether(vec![
                Block::Subheading("Hours of care".into()),
                Block::Paragraph("Carers by the most hours they give to anyone they care for.".into()),
                Block::BarChart(bars),
            ]),
        ];
        let p = pages(&blocks);
        assert_eq!(p.len(), 2);
        for text in ["Hours of care", "Carers by the most hours they give to anyone they care for.", "Row 0", "Row 7"] {
            assert!(texts(&p[1]).contains(&text), "{text} is on page 2");
        }
    }

    #[test]
    fn large_print_reflows_tables_into_label_value_pairs_at_the_chosen_size() {
        let laid = layout(f(), &info(), &long_table(2), &Style::large_print(18.0));
        let r = roles(&laid);
        assert!(!r.contains(&Role::THead), "no squeezed columns");
        assert!(r.windows(3).any(|w| w == [Role::TR, Role::TH { row: true }, Role::TD]));
        let sizes: Vec<f32> = laid.pages[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, size, .. } if text == "Respite" => Some(*size),
                _ => None,
            })
            .collect();
        assert_eq!(sizes, vec![18.0, 18.0]);
        for page in &laid.pages {
            for item in &page.items {
                if let Item::Text { x, text, size, bold, .. } = item {
                    let w = f().width(text, *bold, *size);
                    assert!(x + w <= RIGHT + 0.5, "{text} runs past the margin");
                }
            }
        }
    }

    #[test]
    fn a_letter_puts_the_address_in_the_envelope_window_and_a_draft_is_marked() {
        let mut i = info();
        i.letter = Some(Letter {
            address: vec!["Mrs Amina Begum".into(), "12 Canal Street".into(), "Leeds".into(), "LS2 7EQ".into()],
            date: "4 March 2025".into(),
            reference: Some("C-000123".into()),
            logo: None,
        });
        i.draft = true;
        let laid = layout(f(), &i, &[Block::Paragraph("Dear Mrs Begum,".into())], &Style::large_print(20.0));
        let address: Vec<(f32, f32)> = laid.pages[0]
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Text { x, y, text, .. }
                    if text.contains("Canal") || text.contains("LS2") || text.contains("Amina") =>
                {
                    Some((*x, *y))
                }
                _ => None,
            })
            .collect();
        assert_eq!(address.len(), 3);
        for (x, y) in address {
            // The window of a DL envelope: 20-110 mm from the left, 50-95 mm from the top.
            assert!((20.0 * MM..=110.0 * MM).contains(&x), "{x}");
            assert!((50.0 * MM..=95.0 * MM).contains(&y), "{y}");
        }
        assert!(laid.pages.iter().all(|p| p.items.iter().any(|i| matches!(i, Item::Watermark { .. }))));
        let texts = texts(&laid.pages[0]);
        assert!(!texts.contains(&"Support plan – Jane Doe (C-000123)"), "no running header above a letterhead");
    }
}
