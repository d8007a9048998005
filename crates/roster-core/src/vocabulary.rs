//! Closed sets of values (languages, user types, roles …) that people type in
//! French or English and that the product stores as stable codes.

/// A value that is not one of a vocabulary's entries.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("“{given}” is not a known {vocabulary}")]
pub struct UnknownValue {
    /// Which vocabulary was asked (`UserType`, `Role` …).
    pub vocabulary: &'static str,
    /// What was given.
    pub given: String,
}

/// Declares a vocabulary: an enum whose entries each have a stored code, a
/// French and an English label, and optional extra aliases. `parse` accepts
/// any of them regardless of case, accents and punctuation.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal {
                    fr: $fr:literal, en: $en:literal $(, also: [$($alias:literal),* $(,)?])?
                }
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every entry, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code stored and exchanged through the API.
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The entry's name for people speaking `lang`.
            pub const fn label(self, lang: $crate::Language) -> &'static str {
                match lang {
                    $crate::Language::Fr => match self { $(Self::$variant => $fr),+ },
                    _ => match self { $(Self::$variant => $en),+ },
                }
            }

            /// Extra spellings accepted besides the code and the labels.
            pub const fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($($alias),*)?]),+ }
            }

            /// Reads a code, a French or English label or an alias.
            ///
            /// # Errors
            /// [`UnknownValue`]($crate::vocabulary::UnknownValue) when `raw`
            /// names no entry.
            pub fn parse(raw: &str) -> Result<Self, $crate::vocabulary::UnknownValue> {
                // Every accepted spelling, folded once: parsing runs on every cell of an import.
                static INDEX: ::std::sync::OnceLock<Vec<(String, $name)>> = ::std::sync::OnceLock::new();
                let index = INDEX.get_or_init(|| {
                    Self::ALL
                        .iter()
                        .flat_map(|&entry| {
                            [entry.code(), entry.label($crate::Language::Fr), entry.label($crate::Language::En)]
                                .into_iter()
                                .chain(entry.aliases().iter().copied())
                                .map(move |name| ($crate::text::key(name), entry))
                        })
                        .collect()
                });
                let wanted = $crate::text::key_of(raw);
                index
                    .iter()
                    .find(|(name, _)| **name == *wanted)
                    .map(|&(_, entry)| entry)
                    .ok_or_else(|| $crate::vocabulary::UnknownValue {
                        vocabulary: stringify!($name),
                        given: raw.to_owned(),
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownValue;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::parse(raw)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use vocabulary;
