//! Logos and photos: checking a file when it is chosen, and embedding it in a PDF.
//!
//! Embedding decodes the image once per PDF (per distinct image), scales it down to what the
//! card needs (at most [`LOGO_PX`] or [`PHOTO_PX`] on the long side: over 600 dpi on the card),
//! and writes it as a PDF image XObject: a JPEG source (opaque) as JPEG again, anything else
//! losslessly (Flate), with a soft mask when it has transparency.

use std::collections::BTreeMap;
use std::io::Cursor;

use image::{DynamicImage, GenericImageView, ImageReader};
use printpdf::xobject::{DictItem, ExternalStream, ExternalXObject};

use super::{CardImage, ImageFormat, IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS, IMAGE_MIN_PIXELS};

/// The long side of a logo and a photo in the PDF, in pixels, at most.
pub(crate) const LOGO_PX: u32 = 600;
pub(crate) const PHOTO_PX: u32 = 720;

pub(crate) fn check(bytes: &[u8], what: &str) -> Result<CardImage, String> {
    if bytes.is_empty() {
        return Err(format!("the {what} file is empty: choose a PNG or JPEG image"));
    }
    if bytes.len() > IMAGE_MAX_BYTES {
        return Err(format!(
            "the {what} file is too large ({:.1} MB): choose a PNG or JPEG image of at most {} MB",
            bytes.len() as f64 / 1_048_576.0,
            IMAGE_MAX_BYTES / 1_048_576
        ));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the {what} file could not be read ({e}): choose a PNG or JPEG image"))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => ImageFormat::Png,
        Some(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Some(other) => {
            let name = other.extensions_str().first().map(|e| e.to_uppercase()).unwrap_or_else(|| "other".into());
            return Err(format!(
                "the file is not a PNG or JPEG image (it is a {name} image): save the {what} as PNG or JPEG and \
                 choose it again"
            ));
        }
        None => {
            return Err(format!(
                "the file is not a PNG or JPEG image: choose a PNG or JPEG file for the {what} (a picture saved \
                 as .png or .jpg)"
            ))
        }
    };
    let (width, height) = reader.into_dimensions().map_err(|e| {
        format!("the {what} file could not be read as a {} image ({e}): it may be damaged; save it again", name(format))
    })?;
    if width > IMAGE_MAX_PIXELS || height > IMAGE_MAX_PIXELS {
        return Err(format!(
            "the {what} is {width} × {height} pixels, larger than {IMAGE_MAX_PIXELS} × {IMAGE_MAX_PIXELS}: make it \
             smaller and choose it again"
        ));
    }
    if width < IMAGE_MIN_PIXELS || height < IMAGE_MIN_PIXELS {
        return Err(format!(
            "the {what} is only {width} × {height} pixels: choose an image at least {IMAGE_MIN_PIXELS} × \
             {IMAGE_MIN_PIXELS} pixels"
        ));
    }
    Ok(CardImage { bytes: std::sync::Arc::new(bytes.to_vec()), format, width, height })
}

fn name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
    }
}

fn decode(img: &CardImage) -> Result<DynamicImage, String> {
    let format = match img.format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
    };
    let mut reader = ImageReader::with_format(Cursor::new(img.bytes.as_slice()), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(IMAGE_MAX_PIXELS);
    limits.max_image_height = Some(IMAGE_MAX_PIXELS);
    reader.limits(limits);
    reader.decode().map_err(|e| e.to_string())
}

/// Scales `image` down so its long side is at most `max_px` (never up).
fn fit(image: DynamicImage, max_px: u32) -> DynamicImage {
    let (w, h) = image.dimensions();
    if w.max(h) <= max_px {
        return image;
    }
    let scale = max_px as f32 / w.max(h) as f32;
    let (nw, nh) = (((w as f32 * scale).round() as u32).max(1), ((h as f32 * scale).round() as u32).max(1));
    image.resize_exact(nw, nh, image::imageops::FilterType::Triangle)
}

fn name_item(n: &str) -> DictItem {
    DictItem::Name(n.as_bytes().to_vec())
}

fn image_dict(w: u32, h: u32, colour_space: &str, filter: Option<&str>) -> BTreeMap<String, DictItem> {
    let mut d = BTreeMap::new();
    d.insert("Type".into(), name_item("XObject"));
    d.insert("Subtype".into(), name_item("Image"));
    d.insert("Width".into(), DictItem::Int(w as i64));
    d.insert("Height".into(), DictItem::Int(h as i64));
    d.insert("ColorSpace".into(), name_item(colour_space));
    d.insert("BitsPerComponent".into(), DictItem::Int(8));
    if let Some(f) = filter {
        d.insert("Filter".into(), name_item(f));
    }
    d
}

/// The image as a PDF image XObject (drawn in the unit square: the caller scales it).
pub(crate) fn xobject(img: &CardImage, max_px: u32) -> Result<ExternalXObject, String> {
    let image = fit(decode(img)?, max_px);
    let (w, h) = image.dimensions();
    let grey = !image.color().has_color();
    let alpha = image.color().has_alpha().then(|| image.to_luma_alpha8());
    let alpha = alpha.filter(|a| a.pixels().any(|p| p.0[1] != 255));

    let (content, dict, compress) = if img.format == ImageFormat::Jpeg && alpha.is_none() {
        let mut jpeg = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
        let colour = if grey { "DeviceGray" } else { "DeviceRGB" };
        if grey {
            image.to_luma8().write_with_encoder(encoder).map_err(|e| e.to_string())?;
        } else {
            image.to_rgb8().write_with_encoder(encoder).map_err(|e| e.to_string())?;
        }
        (jpeg, image_dict(w, h, colour, Some("DCTDecode")), false)
    } else if grey {
        (image.to_luma8().into_raw(), image_dict(w, h, "DeviceGray", None), true)
    } else {
        (image.to_rgb8().into_raw(), image_dict(w, h, "DeviceRGB", None), true)
    };
    let mut dict = dict;
    if let Some(a) = alpha {
        let mask = a.pixels().map(|p| p.0[1]).collect::<Vec<u8>>();
        let stream = ExternalStream { dict: image_dict(w, h, "DeviceGray", None), content: mask, compress: true };
        dict.insert("SMask".into(), DictItem::Stream { stream });
    }
    Ok(ExternalXObject { stream: ExternalStream { dict, content, compress }, width: None, height: None, dpi: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([(x % 256) as u8, 40, 90, 255]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    #[test]
    fn png_and_jpeg_are_accepted_with_their_size() {
        let p = check(&png(120, 40), "logo").unwrap();
        assert_eq!((p.format, p.width, p.height), (ImageFormat::Png, 120, 40));
        let j = check(&jpeg(300, 400), "photo").unwrap();
        assert_eq!((j.format, j.width, j.height), (ImageFormat::Jpeg, 300, 400));
    }

    #[test]
    fn a_text_file_is_not_an_image() {
        let e = check(b"Riverside Carers Centre logo, honest\n", "logo").unwrap_err();
        assert!(e.starts_with("the file is not a PNG or JPEG image"), "{e}");
        assert!(e.contains("logo"), "{e}");
        assert_eq!(check(b"", "logo").unwrap_err(), "the logo file is empty: choose a PNG or JPEG image");
    }

    #[test]
    fn other_image_formats_are_named() {
        let e = check(b"GIF89a\x10\x00\x10\x00\x00\x00\x00;", "photo").unwrap_err();
        assert!(e.contains("it is a GIF image") && e.contains("save the photo as PNG or JPEG"), "{e}");
    }

    #[test]
    fn huge_dimensions_are_refused_from_the_header() {
        // A real PNG header claiming 5000 × 300 pixels: refused without decoding any pixels.
        let e = check(&png(5000, 3), "logo").unwrap_err();
        assert!(e.contains("5000 × 3 pixels, larger than 4000 × 4000"), "{e}");
        let e = check(&png(10, 200), "logo").unwrap_err();
        assert!(e.contains("only 10 × 200 pixels"), "{e}");
    }

    #[test]
    fn more_than_two_megabytes_is_refused() {
        let mut big = png(20, 20);
        big.resize(IMAGE_MAX_BYTES + 1, 0);
        let e = check(&big, "photo").unwrap_err();
        assert!(e.starts_with("the photo file is too large (2.0 MB)"), "{e}");
        assert!(e.contains("at most 2 MB"), "{e}");
    }

    #[test]
    fn a_damaged_png_is_refused() {
        let mut p = png(64, 64);
        p.truncate(20);
        let e = check(&p, "logo").unwrap_err();
        assert!(e.contains("could not be read as a PNG image"), "{e}");
    }

    #[test]
    fn embedding_scales_down_and_keeps_transparency() {
        let mut rgba = image::RgbaImage::from_pixel(1200, 300, image::Rgba([200, 0, 0, 255]));
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        let mut bytes = Vec::new();
        DynamicImage::ImageRgba8(rgba).write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
        let x = xobject(&check(&bytes, "logo").unwrap(), LOGO_PX).unwrap();
        assert_eq!(x.stream.dict["Width"], DictItem::Int(600));
        assert_eq!(x.stream.dict["Height"], DictItem::Int(150));
        assert!(x.stream.dict.contains_key("SMask"));
        assert_eq!(x.stream.content.len(), 600 * 150 * 3);

        let j = xobject(&check(&jpeg(300, 400), "photo").unwrap(), PHOTO_PX).unwrap();
        assert_eq!(j.stream.dict["Filter"], DictItem::Name(b"DCTDecode".to_vec()));
        assert!(!j.stream.dict.contains_key("SMask"));
    }
}
