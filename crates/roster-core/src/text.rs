//! Text folding shared by matching rules (search, uniqueness, header names).

/// Lower-cases `raw` and strips Latin accents, so that "Élodie", "elodie"
/// and "ÉLODIE" compare equal. Ligatures expand ("Œ" → "oe", "ß" → "ss").
pub fn fold(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_ascii_lowercase(); // most cells: no accent to drop
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match unaccent(c) {
            Some(base) => out.push_str(base),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folds `raw` into an identifier-like key: accents and case dropped, every
/// run of other characters turned into one `_`. "Canal préféré",
/// `canal_prefere` and "CANAL-PREFERE" all give `canal_prefere`.
pub fn key(raw: &str) -> String {
    key_of(raw).into_owned()
}

/// As [`key`], borrowing `raw` when it is a key already (`collaborateur`,
/// `team_admin`): most cells of enumerated columns are.
pub fn key_of(raw: &str) -> std::borrow::Cow<'_, str> {
    let bytes = raw.as_bytes();
    let is_key = !bytes.is_empty()
        && bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && bytes[0] != b'_'
        && bytes[bytes.len() - 1] != b'_'
        && memchr::memmem::find(bytes, b"__").is_none();
    if is_key {
        return std::borrow::Cow::Borrowed(raw);
    }
    std::borrow::Cow::Owned(folded_key(raw))
}

fn folded_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    };
    // Every cell of an enumerated column comes here: fold ASCII in place.
    if raw.is_ascii() {
        raw.bytes().for_each(|b| push(char::from(b.to_ascii_lowercase())));
    } else {
        fold(raw).chars().for_each(push);
    }
    if out.ends_with('_') {
        out.pop();
    }
    out
}

/// A fast hasher for maps keyed by text from the file being read. The keys
/// are the file's own identifiers, so flooding only slows the one import that
/// carries it; the row bound caps the cost.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        // FNV-1a, eight bytes at a time.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
        }
    }

    fn finish(&self) -> u64 {
        // murmur3's finaliser: hash tables read the high bits too.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

/// A `HashMap` using [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// Collapses runs of white space into one space and trims both ends.
pub fn squash_spaces(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// True when `raw` holds a control character (tabs and line breaks included).
pub fn has_control(raw: &str) -> bool {
    raw.chars().any(char::is_control)
}

fn unaccent(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā' | 'ā' | 'Ă' | 'ă' | 'Ą' | 'ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Č' | 'č' => "c",
        'Ď' | 'ď' | 'Đ' | 'đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē' | 'ē' | 'Ė' | 'ė' | 'Ę' | 'ę' | 'Ě' | 'ě' => "e",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ī' | 'ī' | 'Į' | 'į' | 'İ' | 'ı' => "i",
        'Ł' | 'ł' | 'Ľ' | 'ľ' => "l",
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ň' | 'ň' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō' | 'ō' | 'Ő' | 'ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ř' | 'ř' => "r",
        'Ś' | 'ś' | 'Š' | 'š' | 'Ş' | 'ş' => "s",
        'ß' => "ss",
        'Ť' | 'ť' | 'Ţ' | 'ţ' => "t",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ū' | 'ū' | 'Ů' | 'ů' | 'Ű' | 'ű' => "u",
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Ź' | 'ź' | 'Ż' | 'ż' | 'Ž' | 'ž' => "z",
        _ => return None,
    })
}

/// Why a short text field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but spaces was given.
    #[error("the text is empty")]
    Empty,
    /// Longer than the field allows.
    #[error("the text is longer than {max} characters")]
    TooLong {
        /// The most characters the field takes.
        max: usize,
    },
    /// Tabs, line breaks or other control characters.
    #[error("the text holds control characters")]
    ControlCharacters,
}

impl TextError {
    /// What to tell the person who typed the text.
    pub const fn message(self) -> crate::Message {
        match self {
            Self::Empty => crate::Message::Required,
            Self::TooLong { .. } => crate::Message::TooLong,
            Self::ControlCharacters => crate::Message::ControlCharacters,
        }
    }
}

/// Reads a one-line text of at most `max` characters, squashing spaces.
///
/// # Errors
/// [`TextError`] when empty, too long or holding control characters.
pub fn one_line(raw: &str, max: usize) -> Result<String, TextError> {
    if has_control(raw.trim()) {
        return Err(TextError::ControlCharacters);
    }
    let squashed = squash_spaces(raw);
    if squashed.is_empty() {
        Err(TextError::Empty)
    } else if squashed.chars().count() > max {
        Err(TextError::TooLong { max })
    } else {
        Ok(squashed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_borrowed_only_when_already_keys() {
        for raw in ["collaborateur", "team_admin", "Team admin", "_x", "a__b", "créateur", "e-mail", "x_"] {
            assert_eq!(key_of(raw), key(raw), "{raw}");
        }
        assert!(matches!(key_of("team_admin"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(key("a__b"), "a_b");
    }

    #[test]
    fn accents_and_case_fold_to_the_same_text() {
        assert_eq!(fold("Élodie"), "elodie");
        assert_eq!(fold("ÉLODIE"), fold("elodie"));
        assert_eq!(fold("Canal Préféré"), "canal prefere");
    }

    #[test]
    fn ligatures_expand() {
        assert_eq!(fold("Œuvre Straße"), "oeuvre strasse");
    }

    #[test]
    fn letters_without_accents_pass_through_lowercased() {
        assert_eq!(fold("Zoë 42 Ωmega"), "zoe 42 ωmega");
    }

    #[test]
    fn keys_ignore_case_accents_and_punctuation() {
        assert_eq!(key("Canal préféré"), "canal_prefere");
        assert_eq!(key(" CANAL-PREFERE "), "canal_prefere");
        assert_eq!(key("adresse  mail"), "adresse_mail");
        assert_eq!(key("Prénom"), "prenom");
    }

    #[test]
    fn spaces_are_squashed() {
        assert_eq!(squash_spaces("  Sales \t  team  "), "Sales team");
    }
}
