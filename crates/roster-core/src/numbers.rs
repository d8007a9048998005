//! Whole numbers as JSON carries them: `3` and `3.0` are the same number,
//! and ids stay within what every JSON reader keeps exactly (±2^53).

use serde::{Deserialize, Deserializer};

/// The largest whole number a JSON reader keeps exactly (2^53 − 1).
pub const SAFE_MAX: i64 = 9_007_199_254_740_991;

/// The number if it is whole and within ±2^53.
pub fn whole(n: &serde_json::Number) -> Option<i64> {
    let value = n.as_i64().or_else(|| {
        let v = n.as_f64()?;
        // Whole and within ±2^53: the cast keeps the value.
        #[allow(clippy::cast_possible_truncation)]
        (v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0).then_some(v as i64)
    })?;
    (-SAFE_MAX..=SAFE_MAX).contains(&value).then_some(value)
}

/// For an id field: a positive whole number of either JSON form.
///
/// # Errors
/// Anything else.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    whole(&n).filter(|id| *id > 0).ok_or_else(|| serde::de::Error::custom(format!("{n} is not an id")))
}

/// For an optional whole-number field: `null` is absent; anything not whole is refused.
///
/// # Errors
/// A number that is not whole, or past ±2^53.
pub fn optional_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => whole(&n).map(Some).ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_of_either_form_within_two_to_the_fifty_three() {
        let n = |text: &str| whole(&serde_json::from_str(text).unwrap());
        assert_eq!((n("3"), n("3.0"), n("-2")), (Some(3), Some(3), Some(-2)));
        assert_eq!((n("3.5"), n("9007199254740992"), n("1e300")), (None, None, None));
        assert_eq!(n("9007199254740991"), Some(SAFE_MAX));
    }
}
