//! Large invitations are split into batches (E2): at most 200 recipients
//! each (220 → 200 + 20), in directory order, each labelled with the first
//! two letters of the last names of its first and last recipient, so an
//! admin finds the batch of a given person.

/// The most recipients of one invitation.
pub const BATCH_SIZE: usize = 200;

/// One batch of an invitation, as positions in the ordered recipients.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Batch {
    /// Position of its first recipient (from 0).
    pub first: usize,
    /// How many recipients it holds.
    pub recipients: usize,
    /// `DU–MA`: letters of its first and last recipients' last names.
    pub label: String,
}

/// The batches of `total` recipients: `(first position, length)`.
pub fn bounds(total: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..total).step_by(BATCH_SIZE).map(move |first| (first, BATCH_SIZE.min(total - first)))
}

/// The first two letters of the last name in a directory sort key
/// (`dupont\u{1}jean`), upper-cased; `?` when there is none.
fn initials(sort_key: &str) -> String {
    let last_name = sort_key.split('\u{1}').next().unwrap_or_default();
    let letters: String = last_name.chars().filter(|c| c.is_alphanumeric()).take(2).collect();
    if letters.is_empty() { "?".to_owned() } else { letters.to_uppercase() }
}

/// The label of a batch from its first and last recipients' sort keys.
pub fn label(first_sort_key: &str, last_sort_key: &str) -> String {
    format!("{}–{}", initials(first_sort_key), initials(last_sort_key))
}

/// The batches of `total` recipients in directory order; `key_at(n)` gives
/// the sort key of the recipient at position `n`, asked only at the bounds
/// of batches, so a caller may hold only those keys.
pub fn from_bounds<'a>(total: usize, key_at: impl Fn(usize) -> &'a str) -> Vec<Batch> {
    bounds(total)
        .map(|(first, recipients)| Batch {
            first,
            recipients,
            label: label(key_at(first), key_at(first + recipients - 1)),
        })
        .collect()
}

/// Splits recipients given by their sort keys, already in directory order.
pub fn split<S: AsRef<str>>(sort_keys: &[S]) -> Vec<Batch> {
    from_bounds(sort_keys.len(), |n| sort_keys[n].as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::sort_key;

    #[test]
    fn two_hundred_and_twenty_recipients_make_two_hundred_and_twenty() {
        let sizes: Vec<_> = bounds(220).map(|(_, n)| n).collect();
        assert_eq!(sizes, [200, 20]);
        assert_eq!(bounds(200).count(), 1);
        assert_eq!(bounds(0).count(), 0);
        assert_eq!(bounds(100_000).count(), 500);
    }

    #[test]
    fn labels_show_the_first_letters_of_the_first_and_last_last_names() {
        let keys: Vec<String> = (0..220)
            .map(|i| {
                let last = match i {
                    0 => "Ébert",
                    199 => "Martin",
                    200 => "Ng",
                    219 => "O'Brien",
                    _ => "Lambda",
                };
                sort_key(last, "Ann")
            })
            .collect();
        let batches = split(&keys);
        assert_eq!(batches[0], Batch { first: 0, recipients: 200, label: "EB–MA".into() });
        assert_eq!(batches[1], Batch { first: 200, recipients: 20, label: "NG–OB".into() });
        assert_eq!(label("", "x"), "?–X");
    }
}
