//! A public link's QR code (I1), drawn as SVG (to print at any size) and
//! as PNG (to paste into slides and documents).

use std::fmt::Write as _;

use qrcodegen::{QrCode, QrCodeEcc};

/// Blank modules around the code, as the QR specification asks.
const QUIET_ZONE: i32 = 4;

/// Why a text cannot be drawn as a QR code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the text is too long for a QR code")]
pub struct TooLong;

/// The QR code of `text`, at the "medium" error correction level: it still
/// reads when a sixth of it is smudged or covered by a logo.
fn code(text: &str) -> Result<QrCode, TooLong> {
    QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| TooLong)
}

/// The QR code of `text` as an SVG document, one unit per module.
///
/// # Errors
/// [`TooLong`] for a text no QR code holds.
pub fn svg(text: &str) -> Result<String, TooLong> {
    let qr = code(text)?;
    let side = qr.size() + 2 * QUIET_ZONE;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                let _ = write!(out, "M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE);
            }
        }
    }
    out.push_str("\"/></svg>\n");
    Ok(out)
}

/// The QR code of `text` as a black and white PNG image, `scale` pixels
/// per module (1 to 32).
///
/// # Errors
/// [`TooLong`] for a text no QR code holds.
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>, TooLong> {
    let qr = code(text)?;
    let scale = scale.clamp(1, 32);
    let modules = u32::try_from(qr.size() + 2 * QUIET_ZONE).map_err(|_| TooLong)?;
    let side = modules * scale;
    let mut pixels = Vec::with_capacity((side * side) as usize);
    for py in 0..side {
        let y = i32::try_from(py / scale).map_err(|_| TooLong)? - QUIET_ZONE;
        for px in 0..side {
            let x = i32::try_from(px / scale).map_err(|_| TooLong)? - QUIET_ZONE;
            pixels.push(if qr.get_module(x, y) { 0 } else { 255 });
        }
    }
    Ok(crate::png::encode(side, side, crate::png::Pixels::Grey, &pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://roster.example/p/0123456789abcdef0123456789abcdef";

    #[test]
    fn the_svg_draws_every_dark_module_inside_its_quiet_zone() {
        let qr = code(LINK).unwrap();
        let svg = svg(LINK).unwrap();
        let dark =
            (0..qr.size()).flat_map(|y| (0..qr.size()).map(move |x| (x, y))).filter(|&(x, y)| qr.get_module(x, y));
        assert_eq!(svg.matches("h1v1h-1z").count(), dark.count());
        let side = qr.size() + 8;
        assert!(svg.starts_with(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\"")));
        assert!(svg.contains("M4,4h1v1h-1z"), "the finder pattern's corner sits after the quiet zone");
    }

    #[test]
    fn the_png_holds_the_same_modules_at_its_scale() {
        let qr = code(LINK).unwrap();
        let (side, height, pixels) = crate::png::decode(&png(LINK, 4).unwrap());
        assert_eq!((side, height), (u32::try_from(qr.size() + 8).unwrap() * 4, side));
        let pixel = |x: usize, y: usize| pixels[y * side as usize + x];
        assert_eq!(pixel(0, 0), 255, "quiet zone is white");
        assert_eq!(pixel(16, 16), 0, "finder pattern's corner is black");
    }

    #[test]
    fn a_text_too_long_for_any_qr_code_is_refused() {
        assert_eq!(svg(&"x".repeat(5_000)), Err(TooLong));
        assert_eq!(png(&"x".repeat(5_000), 8), Err(TooLong));
    }
}
