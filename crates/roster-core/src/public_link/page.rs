//! The public page of a link (I1, I5): one HTML document, readable on a
//! phone, that works without JavaScript. Every text that comes from people
//! (titles, typed values) is escaped here, once.

use std::fmt::Write as _;

use super::{Closed, FormField, IdentificationForm, RawAnswers};
use crate::Language;
use crate::messages::{FieldError, Message, in_language};
use crate::model::ActivityType;

/// Where the challenge's widget comes from, when the company asks for one.
pub const CHALLENGE_SCRIPT: &str = "https://challenges.cloudflare.com/turnstile/v0/api.js";

/// The activity a link opens.
#[derive(Clone, Copy, Debug)]
pub struct Activity<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its type.
    pub kind: ActivityType,
}

/// The identification page, fresh or with the errors of a previous answer.
#[derive(Clone, Copy, Debug)]
pub struct FormPage<'a> {
    /// The visitor's language.
    pub lang: Language,
    /// The activity.
    pub activity: Activity<'a>,
    /// The form, if the link has one; else the page only offers to start.
    pub form: Option<&'a IdentificationForm>,
    /// What the visitor typed, shown again after an error.
    pub values: &'a RawAnswers,
    /// Each wrong value, on its field.
    pub errors: &'a [FieldError],
    /// The challenge's site key, when the company protects its forms.
    pub challenge_site_key: Option<&'a str>,
}

/// Why the page shows no form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// No link has this address.
    Missing,
    /// The link exists but does not open.
    Closed(Closed),
    /// Too many requests from here or to this link.
    Throttled,
}

fn words(lang: Language) -> Words {
    let w = |fr, en| in_language(lang, fr, en);
    Words {
        intro: w("Identifiez-vous avant de commencer.", "Please identify yourself before you start."),
        start: w("Commencer", "Start"),
        required: w("obligatoire", "required"),
        optional: w("facultatif", "optional"),
        started: w("C’est parti : votre passage est enregistré.", "You are all set: your attempt is recorded."),
        open_player: w("Ouvrir l’activité", "Open the activity"),
        player_elsewhere: w(
            "L’activité s’ouvre dans la plateforme de formation de votre entreprise.",
            "The activity opens in your company’s learning platform.",
        ),
        missing: w(
            "Ce lien n’existe pas. Vérifiez l’adresse reçue.",
            "This link does not exist. Check the address you received.",
        ),
        throttled: w(
            "Trop de demandes depuis cet endroit. Réessayez dans une minute.",
            "Too many requests from here. Please try again in a minute.",
        ),
        unavailable: w("Activité indisponible", "Activity unavailable"),
        errors: w("Corrigez les champs signalés.", "Please correct the fields shown."),
    }
}

struct Words {
    intro: &'static str,
    start: &'static str,
    required: &'static str,
    optional: &'static str,
    started: &'static str,
    open_player: &'static str,
    player_elsewhere: &'static str,
    missing: &'static str,
    throttled: &'static str,
    unavailable: &'static str,
    errors: &'static str,
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The document around a page's `body`, with the language switch.
fn document(lang: Language, title: &str, state: &str, extra_head: &str, body: &str) -> String {
    let switch = [Language::Fr, Language::En]
        .into_iter()
        .map(|l| {
            let current = if l == lang { " aria-current=\"true\"" } else { "" };
            format!(
                "<a href=\"?lang={0}\" hreflang=\"{0}\" lang=\"{0}\"{current}>{1}</a>",
                l.code(),
                capitalised(l.label(l))
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/public.css\">{extra_head}</head>\
         <body><main class=\"public\" data-state=\"{state}\"><nav class=\"lang\">{switch}</nav>{body}</main></body></html>\n",
        lang = lang.code(),
        title = escape(title),
    )
}

fn heading(lang: Language, activity: Activity<'_>) -> String {
    format!(
        "<p class=\"kind\">{}</p><h1>{}</h1>",
        escape(&capitalised(activity.kind.label(lang))),
        escape(activity.title)
    )
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What the browser should fill in a field, and the keyboard a phone shows.
const fn input_hints(field: FormField) -> &'static str {
    match field {
        FormField::EmailOrMobile => " autocomplete=\"email\" inputmode=\"email\"",
        FormField::LastName => " autocomplete=\"family-name\"",
        FormField::FirstName => " autocomplete=\"given-name\"",
        FormField::Company => " autocomplete=\"organization\"",
        FormField::EmployeeId => " autocomplete=\"off\"",
    }
}

/// The identification page (or, without a form, the start button).
pub fn form_page(page: &FormPage<'_>) -> String {
    let w = words(page.lang);
    let mut body = heading(page.lang, page.activity);
    let _ = write!(body, "<form method=\"post\" action=\"?lang={}\" novalidate>", page.lang.code());
    if !page.errors.is_empty() {
        let _ = write!(body, "<p class=\"error\" role=\"alert\">{}</p>", w.errors);
    }
    if let Some(form) = page.form {
        let _ = write!(body, "<p>{}</p>", w.intro);
        for rule in &form.fields {
            let code = rule.field.code();
            let value = page.values.value(rule.field).unwrap_or_default();
            let error = page.errors.iter().find(|e| e.field == code).map(|e| e.code);
            let mark = if rule.required { w.required } else { w.optional };
            let _ = write!(
                body,
                "<div class=\"field\"><label for=\"f-{code}\">{label} <span class=\"muted\">({mark})</span></label>\
                 <input id=\"f-{code}\" name=\"{code}\" value=\"{value}\" maxlength=\"254\"{required}{hints}{invalid}>",
                label = escape(&capitalised(rule.field.label(page.lang))),
                value = escape(value),
                required = if rule.required { " required" } else { "" },
                hints = input_hints(rule.field),
                invalid = if error.is_some() {
                    format!(" aria-invalid=\"true\" aria-describedby=\"e-{code}\"")
                } else {
                    String::new()
                },
            );
            if let Some(message) = error {
                let _ = write!(
                    body,
                    "<p class=\"error\" id=\"e-{code}\" data-code=\"{}\">{}</p>",
                    message_code(message),
                    escape(message.text(page.lang))
                );
            }
            body.push_str("</div>");
        }
    }
    let mut head = String::new();
    if let Some(key) = page.challenge_site_key {
        let _ = write!(
            body,
            "<div class=\"cf-turnstile\" data-sitekey=\"{}\" data-language=\"{}\"></div>",
            escape(key),
            page.lang.code()
        );
        if let Some(error) = page.errors.iter().find(|e| e.field == "challenge") {
            let _ = write!(
                body,
                "<p class=\"error\" data-code=\"{}\">{}</p>",
                message_code(error.code),
                escape(error.code.text(page.lang))
            );
        }
        let _ = write!(head, "<script src=\"{CHALLENGE_SCRIPT}\" async defer></script>");
    }
    let _ = write!(body, "<button type=\"submit\">{}</button></form>", w.start);
    document(page.lang, page.activity.title, "form", &head, &body)
}

/// The message's stable code, as the API writes it.
fn message_code(message: Message) -> String {
    serde_json::to_value(message).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The page after a successful identification: the attempt is recorded;
/// `player` is where the activity is played, when the platform says.
pub fn started_page(lang: Language, activity: Activity<'_>, attempt: &str, player: Option<&str>) -> String {
    let w = words(lang);
    let mut body = heading(lang, activity);
    let _ = write!(body, "<p class=\"done\" role=\"status\" data-attempt=\"{}\">{}</p>", escape(attempt), w.started);
    match player {
        Some(url) => {
            let _ = write!(body, "<p><a class=\"button\" href=\"{}\">{}</a></p>", escape(url), w.open_player);
        }
        None => {
            let _ = write!(body, "<p class=\"muted\">{}</p>", w.player_elsewhere);
        }
    }
    document(lang, activity.title, "started", "", &body)
}

/// A page that explains why there is nothing to answer.
pub fn notice_page(lang: Language, notice: Notice) -> String {
    let w = words(lang);
    let (state, text) = match notice {
        Notice::Missing => ("missing", w.missing),
        Notice::Closed(closed) => ("closed", closed.message().text(lang)),
        Notice::Throttled => ("throttled", w.throttled),
    };
    let body = format!("<h1>{}</h1><p role=\"alert\">{}</p>", w.unavailable, escape(text));
    document(lang, w.unavailable, state, "", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_link::FieldRule;

    const HOSTILE: &str = "<script>alert('x')</script>\" onfocus=\"x";

    fn form() -> IdentificationForm {
        IdentificationForm {
            fields: vec![
                FieldRule { field: FormField::EmailOrMobile, required: true },
                FieldRule { field: FormField::LastName, required: false },
            ],
            authentication_required: false,
        }
    }

    #[test]
    fn titles_and_typed_values_are_escaped() {
        let form = form();
        let values = RawAnswers { last_name: Some(HOSTILE.into()), ..RawAnswers::default() };
        let activity = Activity { title: HOSTILE, kind: ActivityType::Questionnaire };
        let html = form_page(&FormPage {
            lang: Language::En,
            activity,
            form: Some(&form),
            values: &values,
            errors: &[],
            challenge_site_key: None,
        });
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("\" onfocus"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onfocus=&quot;x"));
        let started = started_page(Language::Fr, activity, "a\"b", Some("https://p.example/?a=1&b=\"2\""));
        assert!(started.contains("data-attempt=\"a&quot;b\""));
        assert!(started.contains("href=\"https://p.example/?a=1&amp;b=&quot;2&quot;\""));
    }

    #[test]
    fn each_error_sits_on_its_field_in_the_visitor_language() {
        let form = form();
        let errors = [FieldError::new("email_or_mobile", Message::InvalidEmail)];
        let html = form_page(&FormPage {
            lang: Language::Fr,
            activity: Activity { title: "Sécurité", kind: ActivityType::Module },
            form: Some(&form),
            values: &RawAnswers::default(),
            errors: &errors,
            challenge_site_key: None,
        });
        assert!(html.starts_with("<!doctype html>\n<html lang=\"fr\">"));
        assert!(
            html.contains(
                "<label for=\"f-email_or_mobile\">E-mail ou mobile <span class=\"muted\">(obligatoire)</span>"
            )
        );
        assert!(html.contains(
            "aria-invalid=\"true\" aria-describedby=\"e-email_or_mobile\"><p class=\"error\" id=\"e-email_or_mobile\" \
             data-code=\"invalid_email\">Cette adresse e-mail n’est pas valide.</p>"
        ));
        assert!(!html.contains("e-last_name"), "only the wrong field is marked");
        assert!(html.contains("<p class=\"kind\">Module</p><h1>Sécurité</h1>"));
        assert!(html.contains("<a href=\"?lang=en\" hreflang=\"en\" lang=\"en\">English</a>"));
    }

    #[test]
    fn the_challenge_is_shown_only_when_asked() {
        let page = |key| {
            form_page(&FormPage {
                lang: Language::En,
                activity: Activity { title: "Quiz", kind: ActivityType::Questionnaire },
                form: None,
                values: &RawAnswers::default(),
                errors: &[],
                challenge_site_key: key,
            })
        };
        assert!(!page(None).contains(CHALLENGE_SCRIPT));
        let protected = page(Some("site-key"));
        assert!(protected.contains(CHALLENGE_SCRIPT));
        assert!(protected.contains("data-sitekey=\"site-key\""));
    }

    #[test]
    fn notices_say_why_in_both_languages() {
        assert!(notice_page(Language::En, Notice::Missing).contains("This link does not exist."));
        assert!(
            notice_page(Language::Fr, Notice::Closed(Closed::PastClosingDate)).contains("a fermé à sa date de clôture")
        );
        assert!(notice_page(Language::Fr, Notice::Throttled).contains("data-state=\"throttled\""));
    }
}
