//! Passport cards through the card engine's public API, checked with the real tools
//! (poppler-utils and qpdf) and by reading the QR codes back with `rqrr` from rendered pages.
//! Set `CARERS_DESK_PDF_SAMPLES=<dir>` to keep the sample PDFs.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use carers_desk::card_stock::{self as stock, Stock, C32011, ID1_HEIGHT, ID1_WIDTH, L7414};
use carers_desk::passports::card::{
    self, calibration, check_image, placements, render, Card, CardImage, Layout, PrintSetup, LOGO_BOX_MM,
    SAFE_MARGIN_MM,
};
use carers_desk::passports::number::Kind;

use crate::pdf::{assert_fonts_embedded_and_subset, field, pages_text, pdfinfo, s, tool};

const MM_PER_PT: f64 = 25.4 / 72.0;

/// A solid red square logo, made in memory.
fn red_logo() -> CardImage {
    let img = image::RgbImage::from_pixel(64, 64, image::Rgb([255, 0, 0]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    check_image(&bytes, "logo").expect("a valid logo")
}

fn card(i: usize, logo: &CardImage) -> Card {
    let kinds = [Kind::Community, Kind::Hospital, Kind::Workplace, Kind::YoungCarer];
    let titles = ["Carer", "Hospital Carer", "Working Carer", "Young Carer"];
    let names = ["Olena Shevchenko", "Jane Smith", "Nguyễn Thị Hồng", "Maya Okafor", "Christopher Montgomery-Smith"];
    let number = format!("CP-{:06}-{}", 4200 + i, (b'A' + (i % 20) as u8) as char);
    Card {
        kind: kinds[i % 4],
        title: titles[i % 4].into(),
        organisation: "Riverside Carers Centre".into(),
        organisation_phone: Some("020 7946 0018".into()),
        logo: Some(logo.clone()),
        holder_name: format!("{} {}", names[i % names.len()], i + 1),
        number: number.clone(),
        valid_until: chrono::NaiveDate::from_ymd_opt(2027, 11, 30).unwrap(),
        setting: (i % 4 == 1).then(|| "St Mary's Hospital".to_string()),
        cared_for: i.is_multiple_of(2).then(|| "Maya".to_string()),
        photo: None,
        asks: vec!["Open visiting".into(), "Involvement in discharge planning".into()],
        emergency_contact: i.is_multiple_of(3).then(|| "Sam Lee (aunt) 07700 900123".to_string()),
        if_found: "If found, please return it to Riverside Carers Centre or call 020 7946 0018.".into(),
        qr_text: format!("Carer passport {number}\nCall 020 7946 0018"),
    }
}

fn setup(layout: Layout, offset: (f32, f32)) -> PrintSetup {
    PrintSetup {
        layout,
        offset_x_mm: offset.0,
        offset_y_mm: offset.1,
        title: "Carer passports".into(),
        author: "Riverside Carers Centre".into(),
        created: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 15, 0).unwrap(),
    }
}

fn save(name: &str, bytes: &[u8]) -> crate::pdf::Written {
    crate::pdf::write(name, bytes)
}

/// Each page's size in points, from `pdfinfo -f 1 -l N`.
fn page_sizes(p: &Path, pages: usize) -> Vec<(f64, f64)> {
    let info = tool("pdfinfo", &["-f", "1", "-l", &pages.to_string(), s(p)]);
    info.lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let v: Vec<f64> =
                l.split(':').nth(1).unwrap().split_whitespace().filter_map(|w| w.parse().ok()).take(2).collect();
            (v[0], v[1])
        })
        .collect()
}

fn assert_size_mm(size: (f64, f64), w: f32, h: f32) {
    let (pw, ph) = (size.0 * MM_PER_PT, size.1 * MM_PER_PT);
    assert!(
        (pw - w as f64).abs() < 0.01 && (ph - h as f64).abs() < 0.01,
        "page is {pw:.3} × {ph:.3} mm, not {w} × {h}"
    );
}

/// One page rendered to a PNG at `dpi`, as an RGB image.
fn raster(p: &Path, page: usize, dpi: u32) -> image::RgbImage {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page");
    let n = page.to_string();
    tool("pdftoppm", &["-r", &dpi.to_string(), "-png", "-singlefile", "-f", &n, "-l", &n, s(p), s(&out)]);
    image::open(dir.path().join("page.png")).unwrap().to_rgb8()
}

/// The QR codes found in a region of an image (pixels), with their top-left corners.
fn qr_codes(img: &image::RgbImage, x0: u32, y0: u32, w: u32, h: u32) -> Vec<(String, (f32, f32))> {
    let (w, h) = (w.min(img.width() - x0), h.min(img.height() - y0));
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        let p = img.get_pixel(x0 + x as u32, y0 + y as u32).0;
        ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3) as u8
    });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| {
            let (_, text) = g.decode().ok()?;
            let corner = g.bounds[0];
            Some((text, ((x0 as i32 + corner.x) as f32, (y0 as i32 + corner.y) as f32)))
        })
        .collect()
}

/// The box of the pure-red pixels (the logo) inside a window, in mm.
fn red_box(img: &image::RgbImage, dpi: u32, window: [f32; 4]) -> Option<[f32; 4]> {
    let px = |mm: f32| (mm / 25.4 * dpi as f32).max(0.0) as u32;
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for y in px(window[1])..px(window[3]).min(img.height()) {
        for x in px(window[0])..px(window[2]).min(img.width()) {
            let p = img.get_pixel(x, y).0;
            if p[0] > 200 && p[1] < 60 && p[2] < 60 {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            }
        }
    }
    let mm = |p: u32| p as f32 * 25.4 / dpi as f32;
    (x1 > 0).then(|| [mm(x0), mm(y0), mm(x1), mm(y1)])
}

fn close(a: f32, b: f32, tolerance: f32) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn single_cards_are_id1_pages_front_then_back_with_text_fonts_and_metadata() {
    let logo = red_logo();
    let cards: Vec<Card> = (0..3).map(|i| card(i, &logo)).collect();
    let mut calls = Vec::new();
    let printed = render(&cards, &setup(Layout::Single, (0.0, 0.0)), &mut |d, t| calls.push((d, t))).unwrap();
    assert_eq!(printed.pages, 6);
    assert_eq!(calls.last(), Some(&(3, 3)));
    assert!(printed.warnings.is_empty(), "{:?}", printed.warnings);
    let r = save("cards-single.pdf", &printed.bytes);

    tool("qpdf", &["--check", s(&r.path)]);
    let info = pdfinfo(&r.path);
    assert_eq!(field(&info, "Pages"), "6");
    assert_eq!(field(&info, "Title"), "Carer passports");
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert_eq!(field(&info, "Producer"), "Carers Desk");
    assert!(field(&info, "CreationDate").starts_with("2026-11-23T09:15:00"), "{info}");
    for size in page_sizes(&r.path, 6) {
        // 85.60 × 53.98 mm is 242.65 × 153.01 pt.
        assert!((size.0 - 242.646).abs() < 0.03 && (size.1 - 153.014).abs() < 0.03, "{size:?}");
        assert_size_mm(size, ID1_WIDTH, ID1_HEIGHT);
    }
    assert_fonts_embedded_and_subset(&r.path);

    let text = pages_text(&r.path);
    assert_eq!(text.len(), 6);
    for (i, c) in cards.iter().enumerate() {
        let (front, back) = (&text[2 * i], &text[2 * i + 1]);
        assert!(front.contains(&c.holder_name), "page {}: {front}", 2 * i + 1);
        assert!(front.contains(&c.number) && front.contains("Valid until 30/11/2027"), "{front}");
        assert!(front.contains(&c.title) && front.contains("Riverside Carers Centre"), "{front}");
        assert!(back.contains("You may ask for:") && back.contains("Involvement in discharge planning"), "{back}");
        assert!(back.contains("020 7946 0018"), "{back}");
        assert!(!back.contains(&c.holder_name), "the back does not name the holder: {back}");
    }
    assert!(text[0].contains("Cares for Maya") && !text[2].contains("Cares for"));
    assert!(text[1].contains("In an emergency: Sam Lee (aunt) 07700 900123"), "{}", text[1]);
    assert!(!text[3].contains("In an emergency"));
}

#[test]
fn the_qr_code_on_a_single_card_decodes_to_its_text() {
    let logo = red_logo();
    let c = card(7, &logo);
    let printed = render(std::slice::from_ref(&c), &setup(Layout::Single, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    let r = save("card-qr.pdf", &printed.bytes);
    let img = raster(&r.path, 2, 600);
    let found = qr_codes(&img, 0, 0, img.width(), img.height());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, c.qr_text);
}

#[test]
fn sheets_put_fronts_at_the_stock_positions_and_mirrored_backs_behind_them() {
    let logo = red_logo();
    let cards: Vec<Card> = (0..12).map(|i| card(i, &logo)).collect();
    for stock in [C32011, L7414] {
        let layout = Layout::Sheet { stock, crop_marks: true };
        let mut calls = Vec::new();
        let printed = render(&cards, &setup(layout, (0.0, 0.0)), &mut |d, t| calls.push((d, t))).unwrap();
        // Ten to a sheet: fronts, backs, then the next sheet's fronts and backs.
        assert_eq!(printed.pages, 4);
        assert!(calls.contains(&(10, 12)) && calls.last() == Some(&(12, 12)), "{calls:?}");
        let r = save(&format!("cards-sheet-{}.pdf", stock.code), &printed.bytes);
        for size in page_sizes(&r.path, 4) {
            assert_size_mm(size, stock::A4_WIDTH, stock::A4_HEIGHT);
        }
        assert_fonts_embedded_and_subset(&r.path);
        let text = pages_text(&r.path);
        for (i, c) in cards.iter().enumerate() {
            let front_page = if i < 10 { 0 } else { 2 };
            assert!(text[front_page].contains(&c.number), "{} card {i} not on page {}", stock.code, front_page + 1);
        }
        check_positions(&r.path, &stock, &cards[..10], (0.0, 0.0));
    }
}

/// The logos on the fronts page and the QR codes on the backs page sit where the stock says
/// (with the offset), and each back's QR code is its own card's: the backs are mirrored.
fn check_positions(pdf: &Path, stock: &Stock, cards: &[Card], offset: (f32, f32)) {
    let dpi = 300;
    let fronts = raster(pdf, 1, dpi);
    let (lw, lh) = LOGO_BOX_MM;
    let side = lw.min(lh); // the square logo fills the box's height
    for i in 0..cards.len() as u32 {
        let (x, y) = stock.front(i);
        let (ex, ey) = (x + offset.0 + SAFE_MARGIN_MM, y + offset.1 + SAFE_MARGIN_MM + (lh - side) / 2.0);
        let found = red_box(&fronts, dpi, [ex - 3.0, ey - 3.0, ex + side + 3.0, ey + side + 3.0])
            .unwrap_or_else(|| panic!("{}: no logo near card {i}", stock.code));
        let tol = 0.25;
        assert!(
            close(found[0], ex, tol) && close(found[1], ey, tol) && close(found[2], ex + side, tol),
            "{} card {i}: logo at {found:?}, expected from ({ex}, {ey})",
            stock.code
        );
    }
    let backs = raster(pdf, 2, dpi);
    let px = |mm: f32| (mm / 25.4 * dpi as f32) as u32;
    for (i, c) in cards.iter().enumerate() {
        let (x, y) = stock.back(i as u32);
        let (x, y) = (x + offset.0, y + offset.1);
        let found = qr_codes(&backs, px(x.max(0.0)), px(y.max(0.0)), px(stock.card_width), px(stock.card_height));
        assert_eq!(found.len(), 1, "{} back {i}: {found:?}", stock.code);
        assert_eq!(found[0].0, c.qr_text, "{} back {i} is another card's", stock.code);
        // The symbol's top-left corner: 2 mm + the 22 mm box from the card's top-right, inside a
        // 4-module quiet zone.
        let corner = (found[0].1 .0 * 25.4 / dpi as f32, found[0].1 .1 * 25.4 / dpi as f32);
        let box_left = x + stock.card_width - 2.0 - 22.0;
        assert!(corner.0 > box_left + 1.5 && corner.0 < box_left + 3.5, "{} back {i}: QR at {corner:?}", stock.code);
        assert!(corner.1 > y + 2.0 + 1.5 && corner.1 < y + 2.0 + 3.5, "{} back {i}: QR at {corner:?}", stock.code);
    }
}

#[test]
fn the_printer_offset_moves_everything() {
    let logo = red_logo();
    let cards: Vec<Card> = (0..10).map(|i| card(i, &logo)).collect();
    let layout = Layout::Sheet { stock: C32011, crop_marks: false };
    let offset = (2.0, -1.5);
    let printed = render(&cards, &setup(layout, offset), &mut |_, _| {}).unwrap();
    let r = save("cards-offset.pdf", &printed.bytes);
    check_positions(&r.path, &C32011, &cards, offset);

    let placed = placements(&setup(layout, offset), 11);
    assert_eq!(placed.len(), 22);
    let first_back = placed.iter().find(|p| p.card == 0 && !p.front).unwrap();
    assert_eq!((first_back.page, first_back.x_mm, first_back.y_mm), (1, 110.0 + 2.0, 13.5 - 1.5));
    let eleventh = placed.iter().find(|p| p.card == 10 && p.front).unwrap();
    assert_eq!((eleventh.page, eleventh.x_mm, eleventh.y_mm), (2, 17.0, 12.0));
    let single = placements(&setup(Layout::Single, offset), 1);
    assert_eq!((single[1].page, single[1].x_mm, single[1].front), (1, 2.0, false));
}

#[test]
fn crop_marks_are_in_the_margins_only() {
    let logo = red_logo();
    let cards: Vec<Card> = (0..10).map(|i| card(i, &logo)).collect();
    let with =
        render(&cards, &setup(Layout::Sheet { stock: C32011, crop_marks: true }, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    let without =
        render(&cards, &setup(Layout::Sheet { stock: C32011, crop_marks: false }, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    let a = raster(&save("marks.pdf", &with.bytes).path, 1, 150);
    let b = raster(&save("no-marks.pdf", &without.bytes).path, 1, 150);
    let mm = |p: u32| p as f32 * 25.4 / 150.0;
    let (mut left_marks, mut top_marks) = (0, 0);
    for (x, y, p) in a.enumerate_pixels() {
        if p == b.get_pixel(x, y) {
            continue;
        }
        let (xm, ym) = (mm(x), mm(y));
        // Every difference is outside the cards' area (15..195 × 13.5..283.5 mm).
        let over_cards = xm > 15.3 && xm < 194.7 && ym > 13.8 && ym < 283.2;
        assert!(!over_cards, "a crop mark at ({xm:.1}, {ym:.1}) mm is over the cards");
        left_marks += usize::from(xm < 15.0);
        top_marks += usize::from(ym < 13.5);
    }
    assert!(left_marks > 0 && top_marks > 0, "no crop marks drawn");
}

#[test]
fn the_logo_is_embedded_once_for_all_cards() {
    let logo = red_logo();
    let cards: Vec<Card> = (0..20).map(|i| card(i, &logo)).collect();
    let printed =
        render(&cards, &setup(Layout::Sheet { stock: C32011, crop_marks: true }, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    let r = save("cards-20.pdf", &printed.bytes);
    let list = tool("pdfimages", &["-list", s(&r.path)]);
    let rows: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 20, "{list}");
    // Column 11 is the image's object number: the same object drawn 20 times.
    let objects: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[10]).collect();
    assert_eq!(objects.len(), 1, "{list}");
}

#[test]
fn a_photo_prints_and_a_damaged_one_is_left_off_with_a_warning() {
    let logo = red_logo();
    let photo_img = image::RgbImage::from_fn(350, 450, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 120]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(photo_img).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    let photo = check_image(&bytes, "photo").unwrap();
    let mut good = card(0, &logo);
    good.photo = Some(photo.clone());
    // A PNG whose header is fine (so it passed the check) but whose pixels are cut off.
    let mut bad = card(1, &logo);
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(350, 450, image::Rgb([9, 9, 9])))
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png.truncate(60);
    let damaged = check_image(&png, "photo").expect("the header is fine");
    assert_eq!((damaged.width, damaged.height), (photo.width, photo.height));
    bad.photo = Some(CardImage { bytes: Arc::new(png), ..damaged });
    let printed = render(&[good, bad.clone()], &setup(Layout::Single, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    assert_eq!(printed.warnings.len(), 1, "{:?}", printed.warnings);
    assert!(printed.warnings[0].starts_with(&format!("{}: the photo could not be read", bad.number)));
    let r = save("cards-photo.pdf", &printed.bytes);
    let list = tool("pdfimages", &["-list", s(&r.path)]);
    let pages: Vec<&str> = list.lines().skip(2).map(|l| l.split_whitespace().next().unwrap()).collect();
    // Page 1: logo and photo; page 3 (the damaged photo's card): the logo only.
    assert_eq!(pages, ["1", "1", "3"], "{list}");
}

#[test]
fn the_calibration_sheet_is_one_a4_page_with_instructions() {
    let created = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap();
    for stock in [C32011, L7414] {
        let printed = calibration(&stock, 1.5, -0.5, "Riverside Carers Centre", created).unwrap();
        assert_eq!(printed.pages, 1);
        let r = save(&format!("calibration-{}.pdf", stock.code), &printed.bytes);
        let info = pdfinfo(&r.path);
        assert_eq!(field(&info, "Pages"), "1");
        assert!(field(&info, "Title").starts_with("Calibration sheet"), "{info}");
        assert_size_mm(page_sizes(&r.path, 1)[0], stock::A4_WIDTH, stock::A4_HEIGHT);
        let text = pages_text(&r.path).concat();
        for expected in ["Calibration sheet", "100 %", "Card 1", "Card 10", "across +1.5 mm", "Settings"] {
            assert!(text.contains(expected), "{}: no {expected:?} in {text}", stock.code);
        }
    }
}

#[test]
fn bad_logos_and_photos_are_refused_with_clear_messages() {
    let e = check_image(b"This is not a picture, it is a text file.\n", "logo").unwrap_err();
    assert!(e.starts_with("the file is not a PNG or JPEG image"), "{e}");
    let huge = image::GrayImage::new(4001, 20);
    let mut bytes = Vec::new();
    image::DynamicImage::ImageLuma8(huge).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    let e = check_image(&bytes, "logo").unwrap_err();
    assert!(e.contains("4001 × 20 pixels") && e.contains("make it smaller"), "{e}");
    let too_big = vec![0xFFu8; card::IMAGE_MAX_BYTES + 1];
    assert!(check_image(&too_big, "photo").unwrap_err().contains("too large"));
}

#[test]
fn the_preview_is_the_same_card_as_svg() {
    let logo = red_logo();
    let c = card(3, &logo);
    let (front, back) = card::preview_svg(&c);
    assert!(front.contains("viewBox=\"0 0 85.6 53.98\"") && back.contains("viewBox=\"0 0 85.6 53.98\""));
    assert!(front.contains(&c.holder_name) && front.contains(&c.number) && front.contains("Young Carer"));
    assert!(front.contains("data:image/png;base64,"));
    assert!(back.contains("You may ask for:"));
    assert!(card::fit_warnings(&c).is_empty());
    let mut long = c.clone();
    long.asks = (1..=30).map(|i| format!("Something else to ask for, number {i}")).collect();
    let warnings = card::fit_warnings(&long);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with(&format!("{}: ", c.number)) && warnings[0].contains("and "), "{warnings:?}");
}

/// A made-up portrait for samples: a grey-blue head and shoulders on a light background.
fn sample_photo() -> CardImage {
    let img = image::RgbImage::from_fn(350, 450, |x, y| {
        let (dx, dy) = (x as f32 - 175.0, y as f32 - 170.0);
        let head = dx * dx / (85.0 * 85.0) + dy * dy / (105.0 * 105.0) < 1.0;
        let (sx, sy) = (x as f32 - 175.0, y as f32 - 470.0);
        let shoulders = sx * sx / (170.0 * 170.0) + sy * sy / (170.0 * 170.0) < 1.0;
        if head {
            image::Rgb([205, 170, 140])
        } else if shoulders {
            image::Rgb([60, 90, 130])
        } else {
            image::Rgb([225, 230, 235])
        }
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    check_image(&bytes, "photo").unwrap()
}

/// A made-up organisation logo: a dark blue rounded square with a white heart-ish mark.
fn sample_logo() -> CardImage {
    let img = image::RgbaImage::from_fn(240, 240, |x, y| {
        let (fx, fy) = (x as f32 / 240.0, y as f32 / 240.0);
        let corner = |cx: f32, cy: f32| (fx - cx).powi(2) + (fy - cy).powi(2) > 0.15f32.powi(2);
        let outside = (fx < 0.15 && fy < 0.15 && corner(0.15, 0.15))
            || (fx > 0.85 && fy < 0.15 && corner(0.85, 0.15))
            || (fx < 0.15 && fy > 0.85 && corner(0.15, 0.85))
            || (fx > 0.85 && fy > 0.85 && corner(0.85, 0.85));
        let (hx, hy) = (fx - 0.5, 0.55 - fy);
        let heart = (hx * hx + hy * hy - 0.09).powi(3) - hx * hx * hy.powi(3) * 0.9 < 0.0;
        if outside {
            image::Rgba([0, 0, 0, 0])
        } else if heart {
            image::Rgba([255, 255, 255, 255])
        } else {
            image::Rgba([200, 60, 70, 255])
        }
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    check_image(&bytes, "logo").unwrap()
}

fn showcase() -> Vec<Card> {
    let logo = sample_logo();
    let mut hospital = card(1, &logo);
    hospital.holder_name = "Olena Shevchenko".into();
    hospital.number = "HP-004217-K".into();
    hospital.setting = Some("St Mary's Hospital".into());
    hospital.cared_for = Some("Maya".into());
    hospital.emergency_contact = Some("Sam Lee (aunt) 07700 900123".into());
    hospital.asks = vec![
        "Open visiting, outside normal visiting hours".into(),
        "Involvement in discharge planning".into(),
        "Help with car parking charges".into(),
        "To be recognised as my mother's carer by the ward team".into(),
    ];
    hospital.photo = Some(sample_photo());
    hospital.qr_text = "Hospital carer passport HP-004217-K\nCall 020 7946 0018".into();

    let mut young = card(3, &logo);
    young.holder_name = "Maya Okafor".into();
    young.number = "YC-000318-T".into();
    young.setting = Some("Oakfield Academy".into());
    young.cared_for = None;
    young.emergency_contact = None;
    young.asks = vec![
        "Time out of class when worried".into(),
        "Extra time for homework".into(),
        "To keep my phone on at break".into(),
    ];

    let mut long = card(0, &logo);
    long.organisation = "The Royal Borough of Kensington and Chelsea Young Carers and Young Adult Carers \
                         Support Service (Community Partnership)"
        .into();
    long.holder_name = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh Cholmondeley \
                        Nguyễn Thị Hồng"
        .into();
    long.setting = Some("Chelsea and Westminster Hospital NHS Foundation Trust, Ward 4B".into());
    long.cared_for = Some("Bartholomew-Alexander".into());
    long.photo = Some(sample_photo());
    long.asks = (1..=12).map(|i| format!("Request {i}: flexible visiting and a quiet space to talk")).collect();
    long.emergency_contact =
        Some("Samantha Featherstonehaugh-Cholmondeley (aunt, has a key) 07700 900123 or 020 7946 0999".into());

    let mut plain = card(2, &logo);
    plain.logo = None;
    plain.holder_name = "Jo Li".into();
    plain.asks.clear();
    plain.organisation_phone = None;
    plain.emergency_contact = None;
    vec![hospital, young, long, plain]
}

/// Sample PDFs to look at (`CARERS_DESK_PDF_SAMPLES=<dir> cargo test -- --ignored card_design`).
#[test]
#[ignore = "writes samples to look at"]
fn card_design_samples() {
    let cards = showcase();
    let single = render(&cards, &setup(Layout::Single, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    eprintln!("{:#?}", single.warnings);
    for (i, c) in cards.iter().enumerate() {
        let (front, back) = card::preview_svg(c);
        save(&format!("design-{i}-front.svg"), front.as_bytes());
        save(&format!("design-{i}-back.svg"), back.as_bytes());
    }
    save("design-single.pdf", &single.bytes);
    for stock in [C32011, L7414] {
        let sheet = render(&cards, &setup(Layout::Sheet { stock, crop_marks: true }, (0.0, 0.0)), &mut |_, _| {});
        save(&format!("design-sheet-{}.pdf", stock.code), &sheet.unwrap().bytes);
    }
}

/// The picture of a card for the user guide: front and back side by side, printed at 200 dpi
/// (`cargo test -- --ignored docs_picture`; writes `docs/passport-card.png`).
#[test]
#[ignore = "writes docs/passport-card.png"]
fn docs_picture() {
    let c = showcase().remove(0);
    let printed = render(std::slice::from_ref(&c), &setup(Layout::Single, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    let r = save("docs-card.pdf", &printed.bytes);
    let dpi = 200;
    let (front, back) = (raster(&r.path, 1, dpi), raster(&r.path, 2, dpi));
    let (gap, border) = (40, 28);
    let (w, h) = (front.width() * 2 + gap + 2 * border, front.height() + 2 * border);
    let mut out = image::RgbImage::from_pixel(w, h, image::Rgb([236, 239, 243]));
    for (img, x) in [(&front, border), (&back, border + front.width() + gap)] {
        // The card's rounded corners (3.18 mm) and a thin grey edge, as it looks cut.
        let r = 3.18 / 25.4 * dpi as f32;
        for (px, py, p) in img.enumerate_pixels() {
            let (fx, fy) = (px as f32 + 0.5, py as f32 + 0.5);
            let (cx, cy) = (fx.clamp(r, img.width() as f32 - r), fy.clamp(r, img.height() as f32 - r));
            let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
            if d > r {
                continue;
            }
            let edge =
                d > r - 2.0 || (d == 0.0 && (px < 2 || py < 2 || px + 2 >= img.width() || py + 2 >= img.height()));
            out.put_pixel(x + px, border + py, if edge { image::Rgb([170, 175, 182]) } else { *p });
        }
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/passport-card.png");
    out.save(&docs).unwrap();
}

#[test]
fn names_in_every_script_print_on_card_fronts_and_extract_back() {
    let logo = red_logo();
    let cards: Vec<Card> = crate::pdf::NAMES
        .iter()
        .enumerate()
        .map(|(i, (_, name))| Card { holder_name: name.to_string(), cared_for: None, ..card(i, &logo) })
        .collect();
    let printed = render(&cards, &setup(Layout::Single, (0.0, 0.0)), &mut |_, _| {}).unwrap();
    assert!(printed.warnings.is_empty(), "{:?}", printed.warnings);
    let pdf = save("card-scripts.pdf", &printed.bytes);
    tool("qpdf", &["--check", s(&pdf.path)]);
    assert_fonts_embedded_and_subset(&pdf.path);
    let text = tool("pdftotext", &[s(&pdf.path), "-"]);
    for (script, name) in crate::pdf::NAMES {
        assert!(text.contains(name), "{script} name {name} is not extracted from the card: {text}");
    }
}
