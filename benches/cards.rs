//! Card printing benchmarks: 1,000 passport cards to one PDF (target: under 1 s in a release
//! build), on A4 sheets of Avery C32011 with crop marks and as single ID-1 cards, with the same
//! logo on every card and no photos. Layout, drawing, font subsetting, compression and writing
//! are all included; the result is the PDF's bytes in memory.
//!
//! `cargo bench --bench cards` prints one line per layout (time and PDF size for one run), then
//! divan's timings. Results and the machine are recorded in docs/benchmarks.md.

use std::io::Cursor;
use std::time::Instant;

use carers_desk::card_stock::C32011;
use carers_desk::passports::card::{check_image, render, Card, CardImage, Layout, PrintSetup};
use carers_desk::passports::number::Kind;

const CARDS: usize = 1_000;

fn logo() -> CardImage {
    let img = image::RgbaImage::from_fn(400, 160, |x, y| {
        if (x / 20 + y / 20) % 2 == 0 {
            image::Rgba([30, 60, 95, 255])
        } else {
            image::Rgba([200, 60, 70, 255])
        }
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    check_image(&bytes, "logo").unwrap()
}

fn cards() -> Vec<Card> {
    let logo = logo();
    let first = ["Olena", "Jane", "Maya", "Christopher", "Nguyễn Thị", "Aisha", "Tomasz", "Grace"];
    let last = ["Shevchenko", "Smith", "Okafor", "Montgomery-Smith", "Hồng", "Khan", "Kowalski", "Wood"];
    let kinds = [
        (Kind::Community, "Carer", "CP", "Carer passport"),
        (Kind::Hospital, "Hospital Carer", "HP", "Hospital carer passport"),
        (Kind::Workplace, "Working Carer", "WP", "Workplace carers passport"),
        (Kind::YoungCarer, "Young Carer", "YC", "Young carer card"),
    ];
    (0..CARDS)
        .map(|i| {
            let (kind, title, prefix, label) = kinds[i % 4];
            let number = format!("{prefix}-{:06}-{}", 1000 + i, (b'A' + (i % 23) as u8) as char);
            Card {
                kind,
                title: title.into(),
                organisation: "Riverside Carers Centre".into(),
                organisation_phone: Some("020 7946 0018".into()),
                logo: Some(logo.clone()),
                holder_name: format!("{} {}", first[i % first.len()], last[(i / 8) % last.len()]),
                number: number.clone(),
                valid_until: chrono::NaiveDate::from_ymd_opt(2027, 11, 30).unwrap(),
                setting: (kind == Kind::Hospital).then(|| "St Mary's Hospital".to_string()),
                cared_for: i.is_multiple_of(2).then(|| "Sam".to_string()),
                photo: None,
                asks: vec![
                    "Open visiting".into(),
                    "Involvement in discharge planning".into(),
                    "Help with car parking charges".into(),
                ],
                emergency_contact: i.is_multiple_of(3).then(|| "Sam Lee (aunt) 07700 900123".to_string()),
                if_found: "If found, please return it to Riverside Carers Centre or call 020 7946 0018.".into(),
                qr_text: format!("{label} {number}\nCall 020 7946 0018"),
            }
        })
        .collect()
}

fn setup(layout: Layout) -> PrintSetup {
    PrintSetup {
        layout,
        offset_x_mm: 0.0,
        offset_y_mm: 0.0,
        title: "Carer passports (1000 cards)".into(),
        author: "Riverside Carers Centre".into(),
        created: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap(),
    }
}

const SHEET: Layout = Layout::Sheet { stock: C32011, crop_marks: true };

/// CPU time used by the process so far (all threads), in ms: with other work on the machine the
/// wall time varies, this less.
#[cfg(unix)]
fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

#[cfg(not(unix))]
fn cpu_ms() -> f64 {
    f64::NAN
}

fn main() {
    let cards = cards();
    for (name, layout) in [("sheet c32011 + crop marks", SHEET), ("single", Layout::Single)] {
        for _ in 0..3 {
            let (start, cpu) = (Instant::now(), cpu_ms());
            let printed = render(&cards, &setup(layout), &mut |_, _| {}).unwrap();
            println!(
                "{CARDS} cards, {name}: {:.0} ms ({:.0} ms CPU on {} threads), {} pages, {:.0} KB",
                start.elapsed().as_secs_f64() * 1000.0,
                cpu_ms() - cpu,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
                printed.pages,
                printed.bytes.len() as f64 / 1024.0
            );
        }
    }
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn sheet_1000_cards(bencher: divan::Bencher) {
    let cards = cards();
    let setup = setup(SHEET);
    bencher.bench_local(|| render(&cards, &setup, &mut |_, _| {}).unwrap().bytes.len());
}

#[divan::bench(sample_count = 10)]
fn single_1000_cards(bencher: divan::Bencher) {
    let cards = cards();
    let setup = setup(Layout::Single);
    bencher.bench_local(|| render(&cards, &setup, &mut |_, _| {}).unwrap().bytes.len());
}
