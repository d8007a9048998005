//! PNG files, written the same way on every platform: 8-bit grey or RGB,
//! no filtering, one zlib stream (QR codes, charts).

use std::io::Write as _;

/// How a pixel is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pixels {
    /// One byte per pixel.
    Grey,
    /// Three bytes per pixel: red, green, blue.
    Rgb,
}

impl Pixels {
    const fn bytes(self) -> usize {
        match self {
            Self::Grey => 1,
            Self::Rgb => 3,
        }
    }

    const fn colour_type(self) -> u8 {
        match self {
            Self::Grey => 0,
            Self::Rgb => 2,
        }
    }
}

/// A PNG image of `width` × `height` pixels from `data`, rows top to bottom
/// (`width × height × bytes per pixel` bytes; missing ones are white).
pub fn encode(width: u32, height: u32, kind: Pixels, data: &[u8]) -> Vec<u8> {
    let row = width as usize * kind.bytes();
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for y in 0..height as usize {
        raw.push(0); // filter: none
        let start = (y * row).min(data.len());
        let line = &data[start..(start + row).min(data.len())];
        raw.extend_from_slice(line);
        raw.resize(raw.len() + row - line.len(), 255);
    }
    let mut deflated = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a vector cannot fail.
    let _ = deflated.write_all(&raw);
    let compressed = deflated.finish().unwrap_or_default();

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, kind.colour_type(), 0, 0, 0]); // depth 8, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, *b"IHDR", &header);
    chunk(&mut png, *b"IDAT", &compressed);
    chunk(&mut png, *b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&len.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(&kind);
    png.extend_from_slice(data);
    let crc = crc32fast::hash(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// Reads back a PNG this module wrote: its size and pixels (for tests).
///
/// # Panics
/// When `png` is not such a file.
#[cfg(test)]
pub fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    use std::io::Read as _;
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let bytes = if png[25] == 2 { 3 } else { 1 };
    let len = u32::from_be_bytes(png[33..37].try_into().unwrap()) as usize;
    assert_eq!(&png[37..41], b"IDAT");
    let crc = crc32fast::hash(&png[37..41 + len]);
    assert_eq!(png[41 + len..45 + len], crc.to_be_bytes());
    assert!(png.ends_with(b"IEND\xaeB`\x82"));
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&png[41..41 + len]).read_to_end(&mut raw).unwrap();
    let row = width as usize * bytes;
    assert_eq!(raw.len(), (row + 1) * height as usize);
    let pixels = raw.chunks(row + 1).flat_map(|r| r[1..].to_vec()).collect();
    (width, height, pixels)
}
