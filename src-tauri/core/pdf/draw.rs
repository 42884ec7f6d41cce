//! Drawing a laid-out document with krilla: glyphs shaped by `shape.rs`, the structure tree,
//! artifacts, the outline and the metadata, checked against PDF/UA-1 as it is written.

use std::collections::HashMap;

use chrono::{Datelike, Timelike};
use krilla::color::luma;
use krilla::configure::{Accessibility, ConfigurationBuilder, PdfVersion};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    ArtifactType, ContentTag, Identifier, ListNumbering, Node as TagNode, SpanTag, TableHeaderScope, Tag as K,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};

use super::fonts::{Face, Fonts};
use super::layout::{Artifact, Item, Laid, Role, Tag, PAGE_H, PAGE_W};
use super::shape::shape;
use super::DocumentInfo;
use crate::error::{Error, Result};

/// The document's language, in the catalogue and the structure tree.
pub(crate) const LANGUAGE: &str = "en-GB";

fn grey(level: f32) -> luma::Color {
    luma::Color::new((level.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn fill(level: f32) -> Fill {
    Fill { paint: grey(level).into(), opacity: NormalizedF32::ONE, ..Fill::default() }
}

fn stroke(level: f32, width: f32) -> Stroke {
    Stroke { paint: grey(level).into(), width, ..Stroke::default() }
}

fn artifact(kind: Artifact) -> ContentTag<'static> {
    let kind = match kind {
        Artifact::Header => ArtifactType::Header,
        Artifact::Footer => ArtifactType::Footer,
        Artifact::PageNumber => ArtifactType::PageNumber,
        Artifact::Layout => ArtifactType::Layout,
        Artifact::Pagination => ArtifactType::PaginationOther,
        Artifact::Watermark => ArtifactType::Watermark,
    };
    ContentTag::Artifact(krilla::tagging::Artifact::with_kind(kind))
}

/// The krilla fonts made so far (each face once per document).
struct FontCache {
    fonts: HashMap<Face, Font>,
}

impl FontCache {
    fn get(&mut self, face: Face) -> Result<Font> {
        if let Some(f) = self.fonts.get(&face) {
            return Ok(f.clone());
        }
        let font = Font::new(Data::from(face.bytes()), 0)
            .ok_or_else(|| Error::Pdf(format!("the font {} could not be read", face.name())))?;
        self.fonts.insert(face, font.clone());
        Ok(font)
    }
}

struct Painter<'a, 'b> {
    surface: Surface<'b>,
    fonts: &'a Fonts,
    cache: &'a mut FontCache,
}

impl Painter<'_, '_> {
    /// Draws a line of text: shaped runs placed left to right from `x` on the baseline `y`.
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, level: f32, text: &str) -> Result<()> {
        let mut x = x;
        for run in shape(self.fonts, text, bold) {
            let font = self.cache.get(run.face)?;
            let glyphs: Vec<KrillaGlyph> = run
                .glyphs
                .iter()
                .map(|g| KrillaGlyph {
                    glyph_id: GlyphId::new(u32::from(g.id)),
                    text_range: g.cluster.clone(),
                    x_advance: g.advance,
                    x_offset: g.x_offset,
                    // krilla's y goes down the page; the shaper's goes up.
                    y_offset: -g.y_offset,
                    y_advance: 0.0,
                    location: None,
                })
                .collect();
            self.surface.set_fill(Some(fill(level)));
            // A family without a bold face is made bold with a thin outline of the same grey.
            let outline = run.face.synthetic_bold().then(|| stroke(level, size * 0.03));
            self.surface.set_stroke(outline);
            self.surface.draw_glyphs(Point::from_xy(x, y), &glyphs, font, &run.text, size, false);
            self.surface.set_stroke(None);
            x += run.width * size;
        }
        Ok(())
    }

    fn line(&mut self, (x1, y1, x2, y2): (f32, f32, f32, f32), width: f32, level: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(level, width)));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else { return };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        if let Some(path) = pb.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(level)));
            self.surface.draw_path(&path);
        }
    }

    /// "DRAFT" across the middle of the page, light grey and at 45 degrees.
    fn watermark(&mut self, text: &str) -> Result<()> {
        let size = 110.0;
        let width = super::shape::width(self.fonts, text, true, size);
        self.surface.push_transform(&Transform::from_rotate_at(-45.0, PAGE_W / 2.0, PAGE_H / 2.0));
        self.text(PAGE_W / 2.0 - width / 2.0, PAGE_H / 2.0 + size * 0.35, size, true, 0.88, text)?;
        self.surface.pop();
        Ok(())
    }
}

fn picture(p: &super::Picture) -> Result<Image> {
    let data = Data::from(p.bytes.clone());
    let image =
        if p.bytes.starts_with(b"\x89PNG") { Image::from_png(data, true) } else { Image::from_jpeg(data, true) };
    image.map_err(|e| Error::Pdf(format!("a picture could not be read: {e}")))
}

fn date(t: chrono::NaiveDateTime) -> DateTime {
    DateTime::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second().min(59) as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// The structure element for a node, with its content and child elements.
fn group(laid: &Laid, node: usize, content: &mut [Vec<Identifier>], titles: &HashMap<usize, String>) -> TagGroup {
    let n = &laid.nodes[node];
    let tag: TagKind = match &n.role {
        Role::P => K::P.into(),
        Role::H(level) => {
            let level = std::num::NonZeroU16::new(*level).unwrap_or(std::num::NonZeroU16::MIN);
            K::Hn(level, Some(titles.get(&node).cloned().unwrap_or_default())).into()
        }
        Role::Table => K::Table.into(),
        Role::THead => K::THead.into(),
        Role::TBody => K::TBody.into(),
        Role::TR => K::TR.into(),
        Role::TH { row } => K::TH(if *row { TableHeaderScope::Row } else { TableHeaderScope::Column }).into(),
        Role::TD => K::TD.into(),
        Role::L => K::L(ListNumbering::Disc).into(),
        Role::LI => K::LI.into(),
        Role::Lbl => K::Lbl.into(),
        Role::LBody => K::LBody.into(),
        Role::Figure(alt) => K::Figure(Some(alt.clone())).into(),
    };
    let mut g = TagGroup::new(tag);
    for id in std::mem::take(&mut content[node]) {
        g.push(id);
    }
    for &child in &n.children {
        g.push(TagNode::Group(group(laid, child, content, titles)));
    }
    g
}

/// The outline: the title at the top, each heading under the last heading above its level.
fn outline(laid: &Laid) -> Outline {
    fn node(h: &super::layout::Heading) -> OutlineNode {
        let point = Point::from_xy(0.0, h.y.max(0.0));
        OutlineNode::new(h.text.clone(), krilla::destination::XyzDestination::new(h.page, point))
    }
    // Build bottom-up: a stack of open nodes by level.
    let mut stack: Vec<(u16, OutlineNode)> = Vec::new();
    let mut roots: Vec<OutlineNode> = Vec::new();
    let close = |stack: &mut Vec<(u16, OutlineNode)>, roots: &mut Vec<OutlineNode>| {
        let (_, done) = stack.pop().expect("an open node");
        match stack.last_mut() {
            Some((_, parent)) => parent.push_child(done),
            None => roots.push(done),
        }
    };
    for h in &laid.outline {
        while stack.last().is_some_and(|(level, _)| *level >= h.level) {
            close(&mut stack, &mut roots);
        }
        stack.push((h.level, node(h).with_open(true)));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    let mut o = Outline::new();
    for r in roots {
        o.push_child(r);
    }
    o
}

/// Writes the pages of `laid` as a tagged PDF/UA-1 document.
pub(crate) fn draw(fonts: &Fonts, info: &DocumentInfo, laid: &Laid) -> Result<Vec<u8>> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| Error::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, compress_content_streams: true, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let mut cache = FontCache { fonts: HashMap::new() };
    let mut content: Vec<Vec<Identifier>> = vec![Vec::new(); laid.nodes.len()];
    let pictures: Vec<Image> = laid.pictures.iter().map(picture).collect::<Result<_>>()?;
    let titles: HashMap<usize, String> = laid
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.role, Role::H(_)))
        .map(|(i, _)| (i, String::new()))
        .collect();
    let mut titles = titles;
    for page in &laid.pages {
        let size = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| Error::Pdf("bad page size".into()))?;
        let mut p = document.start_page_with(size);
        draw_page(
            &mut Painter { surface: p.surface(), fonts, cache: &mut cache },
            page,
            &pictures,
            &mut content,
            &mut titles,
        )?;
        p.finish();
    }
    finish(document, info, laid, content, &titles)
}

/// Draws one page's items, each inside its structure element's marked content or as an
/// artifact; collects the content identifiers per structure element and the headings' text.
fn draw_page(
    painter: &mut Painter,
    page: &super::layout::Page,
    pictures: &[Image],
    content: &mut [Vec<Identifier>],
    titles: &mut HashMap<usize, String>,
) -> Result<()> {
    {
        for item in &page.items {
            let tag = match item {
                Item::Text { tag, .. }
                | Item::Line { tag, .. }
                | Item::Fill { tag, .. }
                | Item::Picture { tag, .. } => *tag,
                Item::Watermark { .. } => Tag::Artifact(Artifact::Watermark),
            };
            let id = match tag {
                Tag::Node(n) => {
                    let content_tag = match item {
                        Item::Text { .. } => ContentTag::Span(SpanTag::empty()),
                        _ => ContentTag::Other,
                    };
                    Some((n, painter.surface.start_tagged(content_tag)))
                }
                Tag::Artifact(kind) => {
                    painter.surface.start_tagged(artifact(kind));
                    None
                }
            };
            match item {
                Item::Text { x, y, size, bold, grey, text, .. } => {
                    painter.text(*x, *y, *size, *bold, *grey, text)?;
                    if let Tag::Node(n) = tag {
                        if let Some(t) = titles.get_mut(&n) {
                            if !t.is_empty() {
                                t.push(' ');
                            }
                            t.push_str(text);
                        }
                    }
                }
                Item::Line { x1, y1, x2, y2, width, grey, .. } => painter.line((*x1, *y1, *x2, *y2), *width, *grey),
                Item::Fill { x, y, w, h, grey, .. } => painter.rect(*x, *y, *w, *h, *grey),
                Item::Picture { x, y, w, h, picture, .. } => {
                    if let Some(size) = Size::from_wh(*w, *h) {
                        painter.surface.push_transform(&Transform::from_translate(*x, *y));
                        painter.surface.draw_image(pictures[*picture].clone(), size);
                        painter.surface.pop();
                    }
                }
                Item::Watermark { text } => painter.watermark(text)?,
            }
            painter.surface.end_tagged();
            if let Some((n, id)) = id {
                content[n].push(id);
            }
        }
    }
    Ok(())
}

/// The structure tree, outline and metadata; then the file.
fn finish(
    mut document: Document,
    info: &DocumentInfo,
    laid: &Laid,
    mut content: Vec<Vec<Identifier>>,
    titles: &HashMap<usize, String>,
) -> Result<Vec<u8>> {
    let mut tree = TagTree::new().with_lang(Some(LANGUAGE.to_string()));
    for &root in &laid.roots {
        tree.push(TagNode::Group(group(laid, root, &mut content, titles)));
    }
    document.set_tag_tree(tree);
    document.set_outline(outline(laid));

    let title = if info.draft { format!("{} (draft)", info.title) } else { info.title.clone() };
    let mut metadata = Metadata::new()
        .title(title)
        .authors(vec![info.author.clone()])
        .language(LANGUAGE.to_string())
        .creator("Carers Desk".to_string())
        .producer("Carers Desk".to_string())
        .creation_date(date(info.created));
    if let Some(subject) = &info.subject {
        metadata = metadata.description(subject.clone());
    }
    document.set_metadata(metadata);
    document.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}
