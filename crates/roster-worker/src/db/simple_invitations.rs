//! Simple invitations (B2): pasted people become users with status
//! `invited` and get a personal sign-up link that works once, until it
//! expires; signing up makes them `active`.

use roster_core::invitation::message::Text;
use roster_core::invitation::paste::Known;
use roster_core::invitation::{Address, Invitee};
use roster_core::model::UserStatus;
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::users::{UserDates, insert_statement, stored_record};
use super::{CompanyId, Db, DbResult, JsonRows, audit, contacts, params};
use crate::platform;

/// The company's users found at these addresses (deleted ones have none).
pub async fn known(db: &Db, company: CompanyId, addresses: &[&Address]) -> DbResult<Vec<(String, Known)>> {
    #[derive(Deserialize)]
    struct Row {
        address: String,
        id: i64,
        status: String,
    }
    let list = Value::from(addresses.iter().map(|a| a.as_str()).collect::<Vec<_>>()).to_string();
    let rows: Vec<Row> = db
        .all(
            "SELECT j.value AS address, u.id, u.status FROM json_each(?) j JOIN users u ON u.company_id = ? \
             AND (u.email = j.value OR u.mobile = j.value)",
            params![list, company],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let status = UserStatus::parse(&r.status).ok()?;
            Some((r.address, Known { user_id: r.id, status }))
        })
        .collect())
}

/// One person to invite, with the digest of their link's secret and their message.
pub struct Invitation {
    /// Who.
    pub invitee: Invitee,
    /// The digest of their sign-up link's secret.
    pub token_digest: String,
    /// Their message.
    pub text: Text,
}

/// Creates the invited users, their links and messages, and their group
/// membership, in one transaction: all are invited or none.
///
/// # Errors
/// [`DbError::Unique`] when one of the addresses was taken meanwhile.
pub async fn invite(
    db: &Db,
    company: CompanyId,
    actor: i64,
    people: &[Invitation],
    group: Option<i64>,
    expires_at: Timestamp,
) -> DbResult<()> {
    let now = platform::now().to_string();
    let dates = UserDates {
        status: UserStatus::Invited,
        created_at: now.clone(),
        invited_at: Some(now.clone()),
        activated_at: None,
        last_access_at: None,
    };
    let mut rows = JsonRows::default();
    for person in people {
        let mut record = stored_record(person.invitee.record(), None, &dates);
        record["address"] = person.invitee.address.as_str().into();
        record["token_digest"] = person.token_digest.as_str().into();
        record["subject"] = person.text.subject.clone().into();
        record["body"] = person.text.body.as_str().into();
        rows.push(&record);
    }
    let mut statements = Vec::new();
    for (_, array) in rows.arrays() {
        statements.push(insert_statement(db, "?", &company.to_js_value(), array)?);
        // Each row finds its new user by address: unique in the company.
        let person = "FROM json_each(?) j JOIN users u ON u.company_id = ? \
                      AND (u.email = json_extract(j.value, '$.address') OR u.mobile = json_extract(j.value, '$.address'))";
        statements.push(db.statement(
            &format!(
                "INSERT INTO signup_invitations (company_id, user_id, channel, address, token_digest, created_by, \
                 created_at, sent_at, expires_at) SELECT u.company_id, u.id, u.preferred_channel, \
                 json_extract(j.value, '$.address'), json_extract(j.value, '$.token_digest'), ?, ?, ?, ? {person}"
            ),
            params![actor, now.clone(), now.clone(), expires_at, array.as_str(), company],
        )?);
        statements.push(db.statement(
            &format!(
                "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at, kind, user_id) \
                 SELECT u.company_id, u.preferred_channel, json_extract(j.value, '$.address'), \
                 json_extract(j.value, '$.subject'), json_extract(j.value, '$.body'), ?, 'signup', u.id {person}"
            ),
            params![now.clone(), array.as_str(), company],
        )?);
        if let Some(group) = group {
            statements.push(db.statement(
                &format!(
                    "INSERT OR IGNORE INTO group_users (company_id, group_id, user_id, added_at) \
                     SELECT u.company_id, g.id, u.id, ? {person} JOIN groups g ON g.company_id = u.company_id AND g.id = ?"
                ),
                params![now.clone(), array.as_str(), company, group],
            )?);
        }
    }
    statements.push(audit::entry(
        db,
        company,
        Some(actor),
        "invitation.send",
        None,
        &json!({ "people": people.len() }),
    )?);
    db.batch(statements).await?;
    Ok(())
}

/// A pending simple invitation, as the list shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingRow {
    /// The invitation's id.
    pub id: i64,
    /// The invited user.
    pub user_id: i64,
    /// Their channel.
    pub channel: String,
    /// Their address.
    pub address: String,
    /// Their names so far.
    pub last_name: String,
    /// First name, if known.
    pub first_name: Option<String>,
    /// When the link was last sent.
    pub sent_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When their last message came back, if it did.
    pub bounced_at: Option<String>,
}

const PENDING: &str = "SELECT s.id, s.user_id, s.channel, s.address, u.last_name, u.first_name, s.sent_at, \
    s.expires_at, u.bounced_at FROM signup_invitations s JOIN users u ON u.company_id = s.company_id AND u.id = s.user_id \
    WHERE s.company_id = ? AND s.used_at IS NULL AND u.status = 'invited'";

/// The company's pending invitations, last sent first (at most 1,000).
pub async fn pending(db: &Db, company: CompanyId) -> DbResult<Vec<PendingRow>> {
    db.all(&format!("{PENDING} ORDER BY s.sent_at DESC, s.id DESC LIMIT 1000"), params![company]).await
}

/// One pending invitation of the company.
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<PendingRow>> {
    db.first(&format!("{PENDING} AND s.id = ?"), params![company, id]).await
}

/// The pending invitation of a user, if any.
pub async fn of_user(db: &Db, company: CompanyId, user_id: i64) -> DbResult<Option<PendingRow>> {
    db.first(&format!("{PENDING} AND s.user_id = ?"), params![company, user_id]).await
}

/// Sends a pending invitation again with a new link (the old one stops
/// working); `false` when it is not a pending invitation of the company.
pub async fn resend(
    db: &Db,
    company: CompanyId,
    actor: i64,
    invitation: &PendingRow,
    token_digest: &str,
    text: &Text,
    expires_at: Timestamp,
) -> DbResult<()> {
    let now = platform::now();
    db.batch(vec![
        db.statement(
            "UPDATE signup_invitations SET token_digest = ?, sent_at = ?, expires_at = ? \
             WHERE company_id = ? AND id = ? AND used_at IS NULL",
            params![token_digest, now, expires_at, company, invitation.id],
        )?,
        db.statement(
            "UPDATE users SET invited_at = ?, bounced_at = NULL WHERE company_id = ? AND id = ?",
            params![now, company, invitation.user_id],
        )?,
        db.statement(
            "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at, kind, user_id) \
             VALUES (?, ?, ?, ?, ?, ?, 'signup', ?)",
            params![
                company,
                invitation.channel.as_str(),
                invitation.address.as_str(),
                text.subject.as_deref(),
                text.body.as_str(),
                now,
                invitation.user_id
            ],
        )?,
        audit::entry(db, company, Some(actor), "invitation.resend", Some(&invitation.address), &json!({}))?,
    ])
    .await?;
    Ok(())
}

/// Destroys a pending invitation: its link stops working and the invited
/// user, who never signed up, is deleted (kept anonymised, like every
/// deleted user).
pub async fn destroy(db: &Db, company: CompanyId, actor: i64, invitation: &PendingRow) -> DbResult<()> {
    let now = platform::now();
    db.batch(vec![
        db.statement(
            "DELETE FROM signup_invitations WHERE company_id = ? AND id = ? AND used_at IS NULL",
            params![company, invitation.id],
        )?,
        db.statement(
            "DELETE FROM group_users WHERE company_id = ? AND user_id = ?",
            params![company, invitation.user_id],
        )?,
        db.statement(
            &format!(
                "UPDATE users SET {}, updated_at = ? WHERE company_id = ? AND id = ? AND status = 'invited'",
                super::users::ANONYMISED
            ),
            params![now, company, invitation.user_id],
        )?,
        audit::entry(db, company, Some(actor), "invitation.destroy", Some(&invitation.address), &json!({}))?,
    ])
    .await?;
    Ok(())
}

/// A sign-up link's invitation, found by its secret's digest: the link is
/// the credential, so this is the one lookup not given a company.
#[derive(Debug, Deserialize)]
pub struct LinkRow {
    /// The invitation's id.
    pub id: i64,
    /// Its company.
    pub company_id: i64,
    /// The company's name.
    pub company: String,
    /// The invited user.
    pub user_id: i64,
    /// The address it was sent to.
    pub address: String,
    /// Names so far.
    pub last_name: String,
    /// First name so far.
    pub first_name: Option<String>,
    /// The user's language.
    pub language: String,
    /// When the link stops working.
    pub expires_at: String,
    /// When it was used.
    pub used_at: Option<String>,
    /// The user's status.
    pub status: String,
}

/// The invitation a sign-up link belongs to.
pub async fn by_link(db: &Db, token_digest: &str) -> DbResult<Option<LinkRow>> {
    db.first(
        "SELECT s.id, s.company_id, c.name AS company, s.user_id, s.address, u.last_name, u.first_name, u.language, \
         s.expires_at, s.used_at, u.status FROM signup_invitations s \
         JOIN users u ON u.company_id = s.company_id AND u.id = s.user_id \
         JOIN companies c ON c.id = s.company_id WHERE s.token_digest = ?",
        params![token_digest],
    )
    .await
}

/// What the person gives when signing up.
pub struct SignUp<'a> {
    /// Last name.
    pub last_name: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Directory sort key.
    pub sort_key: String,
    /// Directory search text.
    pub search_text: String,
    /// Password hash (PHC string).
    pub password_hash: String,
}

/// Uses a sign-up link: the user becomes active with their names and
/// password, and contacts at their address become them (history, groups
/// and invitations follow). `false` when the link was used meanwhile: two
/// racing requests cannot both use it, because the first one marks it with
/// its own `nonce` and the rest of the batch acts only under that mark.
pub async fn complete(
    db: &Db,
    link: &LinkRow,
    sign_up: &SignUp<'_>,
    token_digest: &str,
    nonce: &str,
) -> DbResult<bool> {
    let company = CompanyId::trusted(link.company_id);
    let now = platform::now();
    let used = "EXISTS (SELECT 1 FROM signup_invitations WHERE used_nonce = ?)";
    let mut statements = vec![
        db.statement(
            "UPDATE signup_invitations SET used_at = ?, used_nonce = ? \
             WHERE id = ? AND token_digest = ? AND used_at IS NULL AND expires_at > ?",
            params![now, nonce, link.id, token_digest, now],
        )?,
        db.statement(
            &format!(
                "UPDATE users SET last_name = ?, first_name = ?, sort_key = ?, search_text = ?, password_hash = ?, \
                 status = 'active', activated_at = ?, updated_at = ? WHERE company_id = ? AND id = ? AND {used}"
            ),
            params![
                sign_up.last_name,
                sign_up.first_name,
                sign_up.sort_key.as_str(),
                sign_up.search_text.as_str(),
                sign_up.password_hash.as_str(),
                now,
                now,
                company,
                link.user_id,
                nonce
            ],
        )?,
    ];
    let guard = (used, nonce);
    let contacts = contacts::Selector::Address(&link.address);
    statements.extend(contacts::become_user(db, company, contacts, link.user_id, Some(guard))?);
    statements.push(audit::entry_if(
        db,
        company,
        Some(link.user_id),
        "invitation.accept",
        Some(&link.address),
        &json!({}),
        guard,
    )?);
    let results = db.batch(statements).await?;
    let changed = super::changed(&results, 0);
    Ok(changed > 0)
}
