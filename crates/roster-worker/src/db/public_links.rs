//! Public links and their attempts (I1–I7).
//!
//! A visitor's answer is looked up by point queries on the company's
//! unique indexes (employee id, e-mail, mobile), never by a scan, and
//! recorded by the same statements whatever they find: the answer's
//! timing does not tell who exists.

use std::fmt::Write as _;

use roster_core::form::{search_text, sort_key};
use roster_core::model::{CompanySettings, Contact};
use roster_core::public_link::{Answers, LinkSettings};
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::users::Sight;
use super::{CompanyId, Db, DbResult, audit, params};

/// A link as its administrators see it.
#[derive(Debug, Deserialize)]
pub struct LinkRow {
    /// The link's activity.
    pub activity_id: i64,
    /// The address's secret part.
    pub token: String,
    /// Settings as stored (JSON).
    settings: String,
    /// When made.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
}

impl LinkRow {
    /// The link's settings.
    pub fn settings(&self) -> LinkSettings {
        serde_json::from_str(&self.settings).unwrap_or_default()
    }
}

/// The activity's link, if it has one.
pub async fn get(db: &Db, company: CompanyId, activity: i64) -> DbResult<Option<LinkRow>> {
    db.first(
        "SELECT activity_id, token, settings, created_at, updated_at FROM public_links \
         WHERE company_id = ? AND activity_id = ?",
        params![company, activity],
    )
    .await
}

/// Stores the activity's link settings, making the link when it has none;
/// with `new_token`, the link gets that address and the old one stops
/// working. `false` when the activity is not the company's.
pub async fn save(
    db: &Db,
    company: CompanyId,
    actor: i64,
    activity: i64,
    settings: &LinkSettings,
    new_token: Option<&str>,
    now: Timestamp,
) -> DbResult<bool> {
    let stored = serde_json::to_string(settings)?;
    let action = if new_token.is_some() { "public_link.regenerate" } else { "public_link.update" };
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO public_links (activity_id, company_id, token, settings, created_at, updated_at) \
                 SELECT id, company_id, ?, ?, ?, ? FROM activities WHERE company_id = ? AND id = ? \
                 ON CONFLICT (activity_id) DO UPDATE SET settings = excluded.settings, \
                 updated_at = excluded.updated_at, token = coalesce(?, token)",
                params![new_token.unwrap_or_default(), stored, now, now, company, activity, new_token],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                action,
                Some(&activity.to_string()),
                &json!({ "settings": settings }),
            )?,
        ])
        .await?;
    Ok(super::changed(&results, 0) > 0)
}

/// A link as the public route needs it: its activity and its company.
#[derive(Debug, Deserialize)]
pub struct PublicLink {
    /// The company that owns it: every lookup of the answer stays inside it.
    company_id: i64,
    /// Its activity.
    pub activity_id: i64,
    /// The activity's title.
    pub title: String,
    /// The activity's type code.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the activity is archived.
    #[serde(deserialize_with = "super::flag")]
    pub archived: bool,
    settings: String,
    company_settings: String,
}

impl PublicLink {
    /// The company, as the link names it: a public route has no session,
    /// the link's row is what ties the request to one company.
    pub const fn company(&self) -> CompanyId {
        CompanyId::trusted(self.company_id)
    }

    /// The link's settings.
    pub fn settings(&self) -> LinkSettings {
        serde_json::from_str(&self.settings).unwrap_or_default()
    }

    /// The owning company's settings.
    pub fn company_settings(&self) -> CompanySettings {
        serde_json::from_str(&self.company_settings).unwrap_or_default()
    }
}

/// The link with this token: one lookup on its unique index.
pub async fn by_token(db: &Db, token: &str) -> DbResult<Option<PublicLink>> {
    db.first(
        "SELECT l.company_id, l.activity_id, a.title, a.type, a.archived_at IS NOT NULL AS archived, \
         l.settings, c.settings AS company_settings FROM public_links l \
         JOIN activities a ON a.id = l.activity_id AND a.company_id = l.company_id \
         JOIN companies c ON c.id = l.company_id WHERE l.token = ?",
        params![token],
    )
    .await
}

/// The company's user the answers name: by employee id, else e-mail, else
/// mobile; each a point lookup on its unique index. Deleted users never match.
const USER_MATCH: &str = "coalesce(\
    (SELECT id FROM users WHERE company_id = ? AND employee_id = ? AND status <> 'deleted'), \
    (SELECT id FROM users WHERE company_id = ? AND email = ? AND status <> 'deleted'), \
    (SELECT id FROM users WHERE company_id = ? AND mobile = ? AND status <> 'deleted'))";

/// The company's contact (not one that became a user) at the answers' address.
const CONTACT_MATCH: &str = "coalesce(\
    (SELECT min(id) FROM contacts WHERE company_id = ? AND email = ? AND user_id IS NULL), \
    (SELECT min(id) FROM contacts WHERE company_id = ? AND mobile = ? AND user_id IS NULL))";

fn user_match_params(company: CompanyId, answers: &Answers) -> Vec<wasm_bindgen::JsValue> {
    let (id, email, mobile) = (
        answers.employee_id.as_ref().map(|v| v.as_str().to_owned()),
        answers.email().map(|v| v.as_str().to_owned()),
        answers.mobile().map(|v| v.as_str().to_owned()),
    );
    params![company, id, company, email, company, mobile].to_vec()
}

fn contact_match_params(company: CompanyId, answers: &Answers) -> Vec<wasm_bindgen::JsValue> {
    let (email, mobile) =
        (answers.email().map(|v| v.as_str().to_owned()), answers.mobile().map(|v| v.as_str().to_owned()));
    params![company, email, company, mobile].to_vec()
}

/// Whether the answers name a user of the company.
pub async fn user_exists(db: &Db, company: CompanyId, answers: &Answers) -> DbResult<bool> {
    #[derive(Deserialize)]
    struct Found {
        id: Option<i64>,
    }
    let found: Option<Found> =
        db.first(&format!("SELECT {USER_MATCH} AS id"), &user_match_params(company, answers)).await?;
    Ok(found.and_then(|f| f.id).is_some())
}

/// Records an attempt in one transaction: to the user the answers name;
/// else to the contact at their address, made from `contact` when there is
/// none yet; else to a guest. The same statements run in every case.
pub async fn record(
    db: &Db,
    link: &PublicLink,
    answers: &Answers,
    contact: Option<&Contact>,
    secret_digest: &str,
    now: Timestamp,
) -> DbResult<()> {
    let company = link.company();
    let name = |n: &Option<roster_core::model::PersonName>| n.as_ref().map(|v| v.as_str().to_owned());
    let user = user_match_params(company, answers);
    let found = contact_match_params(company, answers);
    let mut statements = Vec::with_capacity(4);
    if let Some(c) = contact {
        let (last, first) = (name(&c.last_name), name(&c.first_name));
        let (email, mobile) =
            (c.email.as_ref().map(|v| v.as_str().to_owned()), c.mobile.as_ref().map(|v| v.as_str().to_owned()));
        let key = sort_key(last.as_deref().unwrap_or_default(), first.as_deref().unwrap_or_default());
        let search = search_text([last.as_deref(), first.as_deref(), email.as_deref(), mobile.as_deref()]);
        let mut binds = params![company, last, first, email, mobile, name(&c.organisation), now, key, search].to_vec();
        binds.extend(user.iter().cloned());
        binds.extend(found.iter().cloned());
        statements.push(db.statement(
            &format!(
                "INSERT INTO contacts (company_id, last_name, first_name, email, mobile, organisation, created_at, \
                 sort_key, search_text) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? \
                 WHERE {USER_MATCH} IS NULL AND {CONTACT_MATCH} IS NULL"
            ),
            &binds,
        )?);
    }
    let mut binds = params![company, link.activity_id].to_vec();
    binds.extend(found.iter().cloned());
    binds.extend(
        params![name(&answers.last_name), name(&answers.first_name), name(&answers.company), secret_digest, now]
            .iter()
            .cloned(),
    );
    binds.extend(user.iter().cloned());
    statements.push(db.statement(
        &format!(
            "INSERT INTO public_attempts (company_id, activity_id, user_id, contact_id, last_name, first_name, \
             company_name, secret_digest, started_at) \
             SELECT ?, ?, u.id, CASE WHEN u.id IS NULL THEN {CONTACT_MATCH} END, ?, ?, ?, ?, ? \
             FROM (SELECT {USER_MATCH} AS id) u"
        ),
        &binds,
    )?);
    // A user's or a contact's attempt is a participation (A7): it counts
    // them as active in the month.
    statements.push(db.statement(
        "INSERT INTO activity_events (company_id, user_id, contact_id, activity_id, kind, at) \
         SELECT company_id, user_id, contact_id, activity_id, 'participation', started_at FROM public_attempts \
         WHERE secret_digest = ? AND (user_id IS NOT NULL OR contact_id IS NOT NULL)",
        params![secret_digest],
    )?);
    let month = roster_core::insights::month_of(&link.company_settings().time_zone, now);
    statements.push(db.statement(
        "INSERT INTO monthly_activity (company_id, month, user_id) SELECT company_id, ?, user_id FROM public_attempts \
         WHERE secret_digest = ? AND user_id IS NOT NULL ON CONFLICT DO NOTHING",
        params![month, secret_digest],
    )?);
    db.batch(statements).await?;
    Ok(())
}

/// An attempt as the player's report sees it.
#[derive(Debug, Serialize, Deserialize)]
pub struct AttemptState {
    /// When it started.
    pub started_at: String,
    /// When the player reported its end.
    pub finished_at: Option<String>,
    /// The score the player reported.
    pub score: Option<i64>,
}

/// Records the end of the attempt holding this secret; the first report
/// wins, later ones change nothing. `None` when no attempt holds it.
pub async fn finish(db: &Db, secret_digest: &str, score: Option<u8>, now: Timestamp) -> DbResult<Option<AttemptState>> {
    db.run(
        "UPDATE public_attempts SET finished_at = ?, score = ? WHERE secret_digest = ? AND finished_at IS NULL",
        params![now, score.map(i64::from), secret_digest],
    )
    .await?;
    db.first(
        "SELECT started_at, finished_at, score FROM public_attempts WHERE secret_digest = ?",
        params![secret_digest],
    )
    .await
}

/// An attempt as the results tab and people's pages show it (I6).
#[derive(Debug, Serialize, Deserialize)]
pub struct AttemptRow {
    /// Its id.
    pub id: i64,
    /// `user`, `contact` or `guest`.
    pub party: String,
    /// The user's id, for a user's attempt.
    pub user_id: Option<i64>,
    /// The contact's id, for a contact's attempt.
    pub contact_id: Option<i64>,
    /// The activity's id.
    pub activity_id: i64,
    /// The activity's title.
    pub title: String,
    /// The person's last name: the user's or contact's, else as typed.
    pub last_name: Option<String>,
    /// The person's first name, likewise.
    pub first_name: Option<String>,
    /// Their e-mail address, when a user or contact has one.
    pub email: Option<String>,
    /// The company they typed.
    pub company_name: Option<String>,
    /// When it started.
    pub started_at: String,
    /// When the player reported its end.
    pub finished_at: Option<String>,
    /// The reported score.
    pub score: Option<i64>,
}

const ATTEMPTS: &str = "SELECT p.id, CASE WHEN p.user_id IS NOT NULL THEN 'user' \
    WHEN p.contact_id IS NOT NULL THEN 'contact' ELSE 'guest' END AS party, p.user_id, p.contact_id, \
    p.activity_id, a.title, coalesce(u.last_name, c.last_name, p.last_name) AS last_name, \
    coalesce(u.first_name, c.first_name, p.first_name) AS first_name, coalesce(u.email, c.email) AS email, \
    p.company_name, p.started_at, p.finished_at, p.score FROM public_attempts p \
    JOIN activities a ON a.id = p.activity_id AND a.company_id = p.company_id \
    LEFT JOIN users u ON u.id = p.user_id AND u.company_id = p.company_id \
    LEFT JOIN contacts c ON c.id = p.contact_id AND c.company_id = p.company_id WHERE p.company_id = ?";

/// The most recent attempts shown at once.
pub const ATTEMPTS_SHOWN: u32 = 500;

/// Whose public attempts are listed.
#[derive(Clone, Copy, Debug)]
pub enum AttemptsOf {
    /// An activity's: its results tab.
    Activity(i64),
    /// A user's: their history.
    User(i64),
    /// A contact's.
    Contact(i64),
}

/// The latest public attempts of an activity, a user or a contact, newest
/// first: those of guests, and of users and contacts in `sight`.
pub async fn attempts(db: &Db, company: CompanyId, of: AttemptsOf, sight: Sight) -> DbResult<Vec<AttemptRow>> {
    let (column, id) = match of {
        AttemptsOf::Activity(id) => ("activity_id", id),
        AttemptsOf::User(id) => ("user_id", id),
        AttemptsOf::Contact(id) => ("contact_id", id),
    };
    let mut sql = format!("{ATTEMPTS} AND p.{column} = ?");
    let mut binds = params![company, id].to_vec();
    sight.narrow(company, "p.user_id", false, &mut sql, &mut binds);
    sight.narrow(company, "p.contact_id", true, &mut sql, &mut binds);
    let _ = write!(sql, " ORDER BY p.started_at DESC, p.id DESC LIMIT {ATTEMPTS_SHOWN}");
    db.all(&sql, &binds).await
}
