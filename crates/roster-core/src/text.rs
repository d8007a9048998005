//! Text folding shared by matching rules (search, uniqueness, header names).

/// Lower-cases `raw` and strips Latin accents, so that "Élodie", "elodie"
/// and "ÉLODIE" compare equal. Ligatures expand ("Œ" → "oe", "ß" → "ss").
/// An accent typed as a separate combining mark (`E` then U+0301, as some
/// systems store "É") is dropped too: both spellings fold alike.
pub fn fold(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_ascii_lowercase(); // most cells: no accent to drop
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match unaccent(c) {
            Some(base) => out.push_str(base),
            None if is_combining_mark(c) => {}
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The combining diacritical marks: accents stored apart from their letter.
const fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
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

/// A `HashMap` with a fast, non-cryptographic hasher, for maps keyed by
/// text from the file being read. The keys are the file's own identifiers,
/// so flooding only slows the one import that carries it; the row bound
/// caps the cost.
pub type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

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

/// True for characters that change how text is shown without being seen:
/// bidirectional overrides, isolates and marks, zero-width spaces and
/// joiners, the byte-order mark. In a file name they can disguise its
/// extension ("cv\u{202E}fdp.exe" shows as "cvexe.pdf").
pub const fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' | '\u{180E}')
}

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 200;

/// A file name as stored and shown: control and invisible formatting
/// characters dropped, path separators replaced, spaces squashed, at most
/// [`MAX_FILE_NAME`] characters. `None` when nothing printable is left.
pub fn file_name(raw: &str) -> Option<String> {
    let visible: String = raw
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible_format(c))
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .collect();
    let squashed = squash_spaces(&visible);
    let name: String = squashed.chars().take(MAX_FILE_NAME).collect();
    let name = name.trim_end();
    (!name.is_empty() && name.chars().any(|c| c != '.' && c != '_')).then(|| name.to_owned())
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
    fn an_accent_stored_as_a_combining_mark_folds_like_the_accented_letter() {
        assert_eq!(fold("E\u{301}quipe Rouge"), fold("Équipe Rouge"));
        assert_eq!(key("E\u{301}quipe Rouge"), key("équipe rouge"));
        assert_eq!(fold("Noe\u{308}l"), "noel");
    }

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
    fn file_names_lose_what_cannot_be_seen() {
        assert_eq!(file_name("cv\u{202E}fdp.exe").as_deref(), Some("cvfdp.exe"));
        assert_eq!(file_name("a\u{200B}b\u{FEFF}.xlsx\u{0}").as_deref(), Some("ab.xlsx"));
        assert_eq!(file_name("../../etc/passwd").as_deref(), Some(".._.._etc_passwd"));
        assert_eq!(file_name("  Liste   des   salariés.xlsx ").as_deref(), Some("Liste des salariés.xlsx"));
        for nothing in ["", "\u{0}", "\u{202E}\u{200D}", " . ", "..", "/"] {
            assert_eq!(file_name(nothing), None, "{nothing:?}");
        }
        assert_eq!(file_name(&"é".repeat(500)).map(|n| n.chars().count()), Some(MAX_FILE_NAME));
    }

    #[test]
    fn spaces_are_squashed() {
        assert_eq!(squash_spaces("  Sales \t  team  "), "Sales team");
    }
}
