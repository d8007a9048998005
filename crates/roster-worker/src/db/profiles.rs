//! Permission profiles and what each user holds (H3–H5).

use roster_core::Language;
use roster_core::model::ProfileName;
use roster_core::permissions::{Permissions, Preset};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{CompanyId, Db, DbResult, audit, params};
use crate::platform;

/// A profile as stored, with how many users hold it.
#[derive(Debug, Deserialize)]
pub struct ProfileRow {
    /// Its id.
    pub id: i64,
    /// The predefined profile it is, if it is one.
    pub preset: Option<String>,
    /// Its name (for a predefined profile, shown in the reader's language).
    pub name: String,
    /// Its permission codes.
    pub permissions: String,
    /// How many users hold it.
    pub holders: i64,
}

impl ProfileRow {
    /// The predefined profile it is, if it is one.
    pub fn preset(&self) -> Option<Preset> {
        self.preset.as_deref().and_then(|p| Preset::parse(p).ok())
    }

    /// The profile as the API shows it to a reader of `lang`.
    pub fn shown(&self, lang: Language) -> Value {
        let preset = self.preset();
        json!({
            "id": self.id,
            "name": preset.map_or(self.name.as_str(), |p| p.label(lang)),
            "preset": preset,
            "permissions": Permissions::from_stored(&self.permissions),
            "holders": self.holders,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.preset, p.name, p.permissions, \
    (SELECT count(*) FROM user_profiles h WHERE h.company_id = p.company_id AND h.profile_id = p.id) AS holders \
    FROM permission_profiles p WHERE p.company_id = ?";

/// Adds the predefined profiles the company lacks, with their starting
/// permissions; those it has keep theirs.
pub async fn add_presets(db: &Db, company: CompanyId) -> DbResult<()> {
    let now = platform::now();
    let statements = Preset::ALL
        .iter()
        .map(|preset| {
            db.statement(
                "INSERT INTO permission_profiles (company_id, preset, name, name_key, permissions, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                params![
                    company,
                    preset.code(),
                    preset.label(Language::En),
                    format!("~{}", preset.code()),
                    preset.permissions().codes(),
                    now,
                    now
                ],
            )
        })
        .collect::<DbResult<Vec<_>>>()?;
    db.batch(statements).await?;
    Ok(())
}

/// The company's profiles: predefined ones first, then by name.
pub async fn list(db: &Db, company: CompanyId) -> DbResult<Vec<ProfileRow>> {
    db.all(&format!("{SELECT} ORDER BY p.preset IS NULL, p.name_key"), params![company]).await
}

/// One profile of the company.
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<ProfileRow>> {
    db.first(&format!("{SELECT} AND p.id = ?"), params![company, id]).await
}

/// Whether another profile of the company (not `except`) has this name's key.
pub async fn name_taken(db: &Db, company: CompanyId, name: &ProfileName, except: Option<i64>) -> DbResult<bool> {
    let row: Option<Value> = db
        .first(
            "SELECT id FROM permission_profiles WHERE company_id = ? AND name_key = ? AND id IS NOT ?",
            params![company, name.unique_key(), except],
        )
        .await?;
    Ok(row.is_some())
}

/// Creates a profile; returns its id.
///
/// # Errors
/// [`super::DbError::Unique`] when the name is taken (also by a racing request).
pub async fn create(
    db: &Db,
    company: CompanyId,
    actor: i64,
    name: &ProfileName,
    permissions: Permissions,
) -> DbResult<i64> {
    let now = platform::now();
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO permission_profiles (company_id, name, name_key, permissions, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                params![company, name.as_str(), name.unique_key(), permissions.codes(), now, now],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                "profile.create",
                Some(name.as_str()),
                &json!({ "permissions": permissions }),
            )?,
        ])
        .await?;
    super::returned_id(&results)
}

/// Renames a profile or sets its permissions: every holder's permissions
/// change with it. `false` when it is not the company's.
///
/// # Errors
/// [`super::DbError::Unique`] when another profile has the new name.
pub async fn update(
    db: &Db,
    company: CompanyId,
    actor: i64,
    before: &ProfileRow,
    name: Option<&ProfileName>,
    permissions: Option<Permissions>,
) -> DbResult<bool> {
    let now = platform::now();
    let name_key = name.map(ProfileName::unique_key);
    let results = db
        .batch(vec![
            db.statement(
                "UPDATE permission_profiles SET name = coalesce(?, name), name_key = coalesce(?, name_key), \
                 permissions = coalesce(?, permissions), updated_at = ? WHERE company_id = ? AND id = ?",
                params![
                    name.map(ProfileName::as_str),
                    name_key,
                    permissions.map(Permissions::codes),
                    now,
                    company,
                    before.id
                ],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                "profile.update",
                Some(&before.id.to_string()),
                &json!({
                    "before": { "name": before.name, "permissions": Permissions::from_stored(&before.permissions) },
                    "after": { "name": name.map(ProfileName::as_str), "permissions": permissions },
                }),
            )?,
        ])
        .await?;
    Ok(super::changed(&results, 0) > 0)
}

/// What deleting a selection of profiles found.
#[derive(Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Every profile named is gone, and no one holds them any more.
    Deleted(usize),
    /// One of them is not the company's: nothing was deleted.
    Unknown,
    /// One of them is predefined: nothing was deleted.
    Preset,
}

/// Deletes the company's own profiles `ids`, all or none: their holders
/// keep their other profiles and their personal permissions.
pub async fn delete(db: &Db, company: CompanyId, actor: i64, ids: &[i64]) -> DbResult<Deletion> {
    #[derive(Deserialize)]
    struct Found {
        own: usize,
        presets: usize,
    }
    let list = serde_json::to_string(ids).unwrap_or_default();
    let found: Option<Found> = db
        .first(
            "SELECT count(*) FILTER (WHERE preset IS NULL) AS own, count(*) FILTER (WHERE preset IS NOT NULL) AS presets \
             FROM permission_profiles WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))",
            params![company, list.clone()],
        )
        .await?;
    let Found { own, presets } = found.unwrap_or(Found { own: 0, presets: 0 });
    let distinct = ids.iter().collect::<std::collections::HashSet<_>>().len();
    if own + presets < distinct {
        return Ok(Deletion::Unknown);
    }
    if presets > 0 {
        return Ok(Deletion::Preset);
    }
    // Holders go with the profile (ON DELETE CASCADE).
    db.batch(vec![
        db.statement(
            "DELETE FROM permission_profiles WHERE company_id = ? AND preset IS NULL \
                 AND id IN (SELECT value FROM json_each(?))",
            params![company, list],
        )?,
        audit::entry(db, company, Some(actor), "profile.delete", None, &json!({ "profiles": ids }))?,
    ])
    .await?;
    // Each was found the company's own just before; a racing deletion of
    // the same profiles deletes them once either way.
    Ok(Deletion::Deleted(own))
}

/// What a user holds: profiles, personal permissions and perimeter.
#[derive(Debug, Deserialize)]
pub struct HeldRow {
    /// Their personal permission codes.
    pub personal: String,
    /// 1 when their perimeter takes in every user.
    pub all_users: i64,
    /// 1 when it takes in every base.
    pub all_bases: i64,
    /// Their profiles' ids, separated by commas.
    pub profiles: Option<String>,
    /// Their allowed groups' ids, separated by commas.
    pub groups: Option<String>,
    /// Their allowed bases' ids, separated by commas.
    pub bases: Option<String>,
}

/// Ids separated by commas, as `group_concat` gives them.
pub fn ids_of(list: Option<&str>) -> Vec<i64> {
    list.unwrap_or("").split(',').filter_map(|id| id.parse().ok()).collect()
}

/// What the company's user `user` holds, if they are the company's.
pub async fn held(db: &Db, company: CompanyId, user: i64) -> DbResult<Option<HeldRow>> {
    db.first(
        "SELECT u.permissions AS personal, u.perimeter_all_users AS all_users, u.perimeter_all_bases AS all_bases, \
         (SELECT group_concat(profile_id) FROM user_profiles WHERE user_id = u.id) AS profiles, \
         (SELECT group_concat(group_id) FROM user_allowed_groups WHERE user_id = u.id) AS groups, \
         (SELECT group_concat(base_id) FROM user_allowed_bases WHERE user_id = u.id) AS bases \
         FROM users u WHERE u.company_id = ? AND u.id = ?",
        params![company, user],
    )
    .await
}

/// What to give a user: it replaces what they held.
#[derive(Debug)]
pub struct Holding {
    /// Profiles' ids.
    pub profiles: Vec<i64>,
    /// Personal permissions.
    pub personal: Permissions,
    /// Every user, or only the members of `groups`.
    pub all_users: bool,
    /// Allowed groups' ids.
    pub groups: Vec<i64>,
    /// Every base, or only `bases`.
    pub all_bases: bool,
    /// Allowed bases' ids.
    pub bases: Vec<i64>,
}

/// Whether every profile, group and base `holding` names is the company's.
pub async fn all_known(db: &Db, company: CompanyId, holding: &Holding) -> DbResult<bool> {
    #[derive(Deserialize)]
    struct Found {
        profiles: usize,
        groups: usize,
        bases: usize,
    }
    let list = |ids: &[i64]| serde_json::to_string(ids).unwrap_or_default();
    let found: Option<Found> = db
        .first(
            "SELECT \
             (SELECT count(*) FROM permission_profiles WHERE company_id = ?1 AND id IN (SELECT value FROM json_each(?2))) AS profiles, \
             (SELECT count(*) FROM groups WHERE company_id = ?1 AND id IN (SELECT value FROM json_each(?3))) AS groups, \
             (SELECT count(*) FROM thematic_bases WHERE company_id = ?1 AND id IN (SELECT value FROM json_each(?4))) AS bases",
            params![company, list(&holding.profiles), list(&holding.groups), list(&holding.bases)],
        )
        .await?;
    let distinct = |ids: &[i64]| ids.iter().collect::<std::collections::HashSet<_>>().len();
    Ok(found.is_some_and(|f| {
        f.profiles == distinct(&holding.profiles)
            && f.groups == distinct(&holding.groups)
            && f.bases == distinct(&holding.bases)
    }))
}

/// Gives `user` what `holding` says, in one transaction, audited.
pub async fn hold(db: &Db, company: CompanyId, actor: i64, user: i64, holding: &Holding) -> DbResult<()> {
    let mut statements = vec![db.statement(
        "UPDATE users SET permissions = ?, perimeter_all_users = ?, perimeter_all_bases = ?, updated_at = ? \
         WHERE company_id = ? AND id = ?",
        params![
            holding.personal.codes(),
            i64::from(holding.all_users),
            i64::from(holding.all_bases),
            platform::now(),
            company,
            user
        ],
    )?];
    // Each link table is replaced by the company's rows among the ids given.
    let links = [
        ("user_profiles", "profile_id", "permission_profiles", &holding.profiles),
        ("user_allowed_groups", "group_id", "groups", &holding.groups),
        ("user_allowed_bases", "base_id", "thematic_bases", &holding.bases),
    ];
    for (table, column, source, ids) in links {
        statements.push(
            db.statement(&format!("DELETE FROM {table} WHERE company_id = ? AND user_id = ?"), params![company, user])?,
        );
        statements.push(db.statement(
            &format!(
                "INSERT INTO {table} (company_id, user_id, {column}) SELECT ?1, ?2, id FROM {source} \
                 WHERE company_id = ?1 AND id IN (SELECT value FROM json_each(?3))"
            ),
            params![company, user, serde_json::to_string(ids).unwrap_or_default()],
        )?);
    }
    statements.push(audit::entry(
        db,
        company,
        Some(actor),
        "user.permissions",
        Some(&user.to_string()),
        &json!({
            "profiles": holding.profiles, "personal": holding.personal,
            "all_users": holding.all_users, "groups": holding.groups,
            "all_bases": holding.all_bases, "bases": holding.bases,
        }),
    )?);
    db.batch(statements).await?;
    Ok(())
}
