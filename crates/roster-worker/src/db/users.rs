//! Users of a company (A2): the directory (F1) and the web form (B1).

use std::fmt::Write as _;

use roster_core::directory::{Access, Cursor, Sort, UserQuery};
use roster_core::form::{NewUser, NewUserForm, UserField};
use roster_core::licences::{Licences, takes_seat};
use roster_core::model::{Email, EmployeeId, LicenceLevel, Mobile, Role, UserStatus, UserType};
use roster_core::permissions::{self, Actor};
use roster_core::{FieldError, Message};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{CompanyId, Db, audit, params};
use super::{DbError, DbResult};
use crate::platform;

const COLUMNS: &str = "id, last_name, first_name, email, mobile, employee_id, department, user_type, role, \
    licence_level, preferred_channel, language, status, created_at, invited_at, activated_at, last_access_at, bounced_at, \
    login_code_at, sort_key";

/// The `SET` clause that deletes a user: the row stays, so their results
/// stay, but nothing in it says who they were any more, and their
/// identifiers are free for others.
pub const ANONYMISED: &str = "status = 'deleted', email = NULL, mobile = NULL, employee_id = NULL, last_name = '', \
    first_name = NULL, department = NULL, custom_fields = '{}', password_hash = NULL, sort_key = '', search_text = '', \
    login_code_digest = NULL, login_code_at = NULL";

/// A user as the API shows them.
#[derive(Debug, Serialize, Deserialize)]
pub struct UserRow {
    /// The user's id.
    pub id: i64,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Mobile number (E.164).
    pub mobile: Option<String>,
    /// Employee id.
    pub employee_id: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// User type code.
    pub user_type: String,
    /// Role code.
    pub role: String,
    /// Licence level code.
    pub licence_level: String,
    /// Preferred channel code.
    pub preferred_channel: String,
    /// Language code.
    pub language: String,
    /// Status code.
    pub status: String,
    /// When the user was created.
    pub created_at: String,
    /// When they were last invited.
    pub invited_at: Option<String>,
    /// When they were activated.
    pub activated_at: Option<String>,
    /// When they last signed in.
    pub last_access_at: Option<String>,
    /// When the last message to them came back (F5).
    pub bounced_at: Option<String>,
    /// When they were last given a personal login code.
    #[serde(default)]
    pub login_code_at: Option<String>,
    /// Directory order; used for cursors, not shown.
    #[serde(skip_serializing)]
    pub sort_key: String,
}

impl UserRow {
    /// The position just after this user in the directory's `sort`.
    pub fn cursor(&self, sort: Sort) -> Cursor {
        sort.cursor(&self.sort_key, &self.created_at, self.last_access_at.as_deref(), self.id)
    }
}

/// A group a user belongs to.
#[derive(Debug, Serialize, Deserialize)]
pub struct Membership {
    /// The group's id.
    pub id: i64,
    /// The group's name.
    pub name: String,
    /// Whether the group is archived.
    #[serde(deserialize_with = "super::flag")]
    pub archived: bool,
}

/// One page of the directory in the query's order, with one extra row when
/// there is a next page. Without a search, each filter narrows an index
/// range that starts with the company; with one, the search index gives the
/// matching users first. Pages start from a position, so they stay fast
/// however deep.
pub async fn page(db: &Db, company: CompanyId, query: &UserQuery) -> DbResult<Vec<UserRow>> {
    let (filter, mut binds) = directory_filter(company, query, true);
    binds.push(super::Param::to_js(&(query.limit + 1)));
    let order = order_by(query.sort);
    db.all(&format!("SELECT {COLUMNS} FROM users WHERE {filter} ORDER BY {order} LIMIT ?"), &binds).await
}

/// The `ORDER BY` of a directory sort; `id` breaks ties, so every order is total.
pub const fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Name => "sort_key, id",
        Sort::Created => "created_at DESC, id DESC",
        // In descending order the never-signed-in (NULL) come last.
        Sort::LastAccess => "last_access_at DESC, id DESC",
    }
}

/// The shortest word the search index can look up; shorter words are
/// tested on the rows the other words and filters leave.
const INDEXED_WORD: usize = 3;

/// Narrows a query on `users` to those inside a user's perimeter (H5): the members of
/// their allowed groups. Binds the user's id, then the company's.
const PERIMETER_USERS: &str = " AND id IN (SELECT m.user_id FROM user_allowed_groups a \
    JOIN group_users m ON m.group_id = a.group_id WHERE a.user_id = ? AND m.company_id = ?)";

/// Which of the company's people (users and contacts) someone may see:
/// what lists and counts about people keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight {
    /// Every one of them.
    Everyone,
    /// Those in the perimeter of this user.
    PerimeterOf(i64),
    /// None: the viewer may not see users.
    Nobody,
}

impl Sight {
    /// Appends ` AND …` keeping the rows whose `column` (a user id, or a
    /// contact id when `contacts`) is someone in sight; rows where it is
    /// NULL are kept.
    pub fn narrow(
        self,
        company: CompanyId,
        column: &str,
        contacts: bool,
        sql: &mut String,
        binds: &mut Vec<wasm_bindgen::JsValue>,
    ) {
        let (member, table) = if contacts { ("contact_id", "group_contacts") } else { ("user_id", "group_users") };
        match self {
            Self::Everyone => {}
            Self::Nobody => {
                let _ = write!(sql, " AND {column} IS NULL");
            }
            Self::PerimeterOf(viewer) => {
                let _ = write!(
                    sql,
                    " AND ({column} IS NULL OR {column} IN (SELECT m.{member} FROM user_allowed_groups a \
                     JOIN {table} m ON m.group_id = a.group_id WHERE a.user_id = ? AND m.company_id = ?))"
                );
                binds.extend(params![viewer, company].to_vec());
            }
        }
    }
}

/// Which users someone may change under a permission: inside their
/// perimeter when it is scoped, and members only unless they administer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bounds {
    /// Only users inside this user's perimeter.
    pub within_perimeter_of: Option<i64>,
    /// Only members (no administrator).
    pub members_only: bool,
}

impl Bounds {
    /// Appends the bounds to a `WHERE` condition on `users` and its parameters.
    pub fn narrow(self, company: CompanyId, sql: &mut String, binds: &mut Vec<wasm_bindgen::JsValue>) {
        if let Some(viewer) = self.within_perimeter_of {
            sql.push_str(PERIMETER_USERS);
            binds.extend(params![viewer, company].to_vec());
        }
        if self.members_only {
            sql.push_str(" AND role = 'member'");
        }
    }
}

/// True when every one of `ids` is a user of the company within `bounds`.
pub async fn all_within(db: &Db, company: CompanyId, ids: &[i64], bounds: Bounds) -> DbResult<bool> {
    let (mut condition, mut binds) = (String::new(), Vec::new());
    bounds.narrow(company, &mut condition, &mut binds);
    super::all_found(db, company, "users", ids, (&condition, binds)).await
}

/// The `WHERE` condition of a directory query on `users`, with its
/// parameters; from the query's cursor on when `from_cursor`.
pub fn directory_filter(
    company: CompanyId,
    query: &UserQuery,
    from_cursor: bool,
) -> (String, Vec<wasm_bindgen::JsValue>) {
    let (indexed, scanned): (Vec<&String>, Vec<&String>) =
        query.search.iter().partition(|word| word.chars().count() >= INDEXED_WORD);
    // With an indexed word the matching ids lead: the unary `+` keeps the
    // planner from walking the company's whole index instead.
    let mut sql = String::from(if indexed.is_empty() { "company_id = ?" } else { "+company_id = ?" });
    let mut binds = vec![company.to_js_value()];
    if !indexed.is_empty() {
        // Each word a quoted phrase: inside quotes only `"` is special, and it is doubled.
        let phrases: Vec<String> = indexed.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
        sql.push_str(" AND id IN (SELECT rowid FROM users_search WHERE users_search MATCH ?)");
        let company_key = format!("\"~{}~\"", company.get());
        binds.push(format!("search_company : {company_key} AND search_text : ({})", phrases.join(" AND ")).into());
    }
    // Plain substring tests: no pattern to escape, no pattern-length limit.
    for word in scanned {
        sql.push_str(" AND instr(search_text, ?) > 0");
        binds.push(word.as_str().into());
    }
    match query.status {
        Some(status) => {
            sql.push_str(" AND status = ?");
            binds.push(status.code().into());
        }
        None => sql.push_str(" AND status != 'deleted'"),
    }
    Bounds { within_perimeter_of: query.within_perimeter_of, members_only: false }
        .narrow(company, &mut sql, &mut binds);
    if !query.in_groups.is_empty() {
        sql.push_str(" AND id IN (SELECT user_id FROM group_users WHERE company_id = ? AND group_id IN (SELECT value FROM json_each(?)))");
        binds.extend([company.to_js_value(), serde_json::to_string(&query.in_groups).unwrap_or_default().into()]);
    }
    if let Some((month, accounts_only)) = &query.active_in {
        sql.push_str(
            " AND id IN (SELECT user_id FROM monthly_activity WHERE company_id = ? AND month = ? AND signed_in >= ?)",
        );
        binds.extend([company.to_js_value(), month.as_str().into(), super::Param::to_js(&i64::from(*accounts_only))]);
    }
    let links = [
        (" AND id IN (SELECT user_id FROM group_users WHERE company_id = ? AND group_id = ?)", query.group),
        (" AND id IN (SELECT user_id FROM user_tags WHERE company_id = ? AND tag_id = ?)", query.tag),
    ];
    for (condition, id) in links {
        if let Some(id) = id {
            sql.push_str(condition);
            binds.extend([company.to_js_value(), super::Param::to_js(&id)]);
        }
    }
    let codes = [
        (" AND user_type = ?", query.user_type.map(UserType::code)),
        (" AND role = ?", query.role.map(Role::code)),
        (" AND licence_level = ?", query.licence_level.map(LicenceLevel::code)),
    ];
    for (condition, code) in codes {
        if let Some(code) = code {
            sql.push_str(condition);
            binds.push(code.into());
        }
    }
    let Access { never, since, before } = query.access;
    if never {
        sql.push_str(" AND last_access_at IS NULL");
    }
    // A comparison with NULL is never true: dates leave out those who never signed in.
    for (condition, bound) in [(" AND last_access_at >= ?", since), (" AND last_access_at < ?", before)] {
        if let Some(at) = bound {
            sql.push_str(condition);
            binds.push(at.to_string().into());
        }
    }
    if let (Some(after), true) = (&query.after, from_cursor) {
        let id = super::Param::to_js(&after.id);
        match query.sort {
            Sort::Name => {
                sql.push_str(" AND (sort_key, id) > (?, ?)");
                binds.extend([after.sort_key.as_str().into(), id]);
            }
            Sort::Created => {
                sql.push_str(" AND (created_at, id) < (?, ?)");
                binds.extend([after.sort_key.as_str().into(), id]);
            }
            // An empty key: the cursor is among those who never signed in.
            Sort::LastAccess if after.sort_key.is_empty() => {
                sql.push_str(" AND last_access_at IS NULL AND id < ?");
                binds.push(id);
            }
            Sort::LastAccess => {
                sql.push_str(" AND (last_access_at IS NULL OR (last_access_at, id) < (?, ?))");
                binds.extend([after.sort_key.as_str().into(), id]);
            }
        }
    }
    (sql, binds)
}

/// What access rules need to know about a user: their groups, and what
/// they may do.
#[derive(Debug, Deserialize)]
pub struct PersonReach {
    /// Their groups' ids, separated by commas.
    pub groups: Option<String>,
    /// Their role, permissions and perimeters.
    #[serde(flatten)]
    pub powers: super::access::StoredPowers,
}

impl PersonReach {
    /// Their groups' ids.
    pub fn group_ids(&self) -> Vec<i64> {
        self.groups.as_deref().unwrap_or("").split(',').filter_map(|id| id.parse().ok()).collect()
    }
}

/// [`PersonReach`] of each of the company's users among `ids` (the others
/// are not there), in one read.
pub async fn reach_all(db: &Db, company: CompanyId, ids: &[i64]) -> DbResult<Vec<PersonReach>> {
    db.all(
        &format!(
            "SELECT {}, (SELECT group_concat(group_id) FROM group_users m \
             WHERE m.company_id = u.company_id AND m.user_id = u.id) AS groups \
             FROM users u WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))",
            super::access::POWERS
        ),
        params![company, json!(ids).to_string()],
    )
    .await
}

/// How many users a directory query finds, all pages together.
pub async fn count(db: &Db, company: CompanyId, query: &UserQuery) -> DbResult<i64> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let (filter, binds) = directory_filter(company, query, false);
    let row: Option<Count> = db.first(&format!("SELECT count(*) AS n FROM users WHERE {filter}"), &binds).await?;
    Ok(row.map_or(0, |c| c.n))
}

/// How many users of the company have each status and licence level.
#[derive(Debug, Deserialize)]
pub struct Census {
    /// Status code.
    pub status: String,
    /// Licence level code.
    pub licence_level: String,
    /// Users with both.
    pub n: u32,
}

/// The company's head count by status and licence level, from an index.
pub async fn census(db: &Db, company: CompanyId) -> DbResult<Vec<Census>> {
    db.all(
        "SELECT status, licence_level, count(*) AS n FROM users WHERE company_id = ? GROUP BY status, licence_level",
        params![company],
    )
    .await
}

/// The company's licence seats: `capacity` bought, and those taken by the
/// users [`takes_seat`] names.
pub async fn licences(db: &Db, company: CompanyId, capacity: u32) -> DbResult<Licences> {
    Ok(seats_of(&census(db, company).await?, capacity))
}

/// The seats a census shows taken, out of `capacity`.
pub fn seats_of(census: &[Census], capacity: u32) -> Licences {
    let used = census
        .iter()
        .filter(|c| match (UserStatus::parse(&c.status), LicenceLevel::parse(&c.licence_level)) {
            (Ok(status), Ok(level)) => takes_seat(status, level),
            _ => false,
        })
        .map(|c| c.n)
        .sum();
    Licences { capacity, used }
}

/// One user of the company, or `None` (also for another company's user).
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<UserRow>> {
    db.first(&format!("SELECT {COLUMNS} FROM users WHERE company_id = ? AND id = ?"), params![company, id]).await
}

/// The groups a user of the company belongs to.
pub async fn memberships(db: &Db, company: CompanyId, user_id: i64) -> DbResult<Vec<Membership>> {
    db.all(
        "SELECT g.id, g.name, g.archived_at IS NOT NULL AS archived FROM group_users m \
         JOIN groups g ON g.id = m.group_id AND g.company_id = m.company_id \
         WHERE m.company_id = ? AND m.user_id = ? ORDER BY g.name_key",
        params![company, user_id],
    )
    .await
}

#[derive(Deserialize)]
struct Taken {
    email: Option<String>,
    mobile: Option<String>,
    employee_id: Option<String>,
}

/// Field errors for identifiers another user of the company (than `except`)
/// already holds.
pub async fn clashes(db: &Db, company: CompanyId, except: Option<i64>, user: &NewUser) -> DbResult<Vec<FieldError>> {
    let email = user.email.as_ref().map(Email::as_str);
    let mobile = user.mobile.as_ref().map(Mobile::as_str);
    let employee_id = user.employee_id.as_ref().map(EmployeeId::as_str);
    let rows: Vec<Taken> = db
        .all(
            "SELECT email, mobile, employee_id FROM users WHERE company_id = ? \
             AND (email = ? OR mobile = ? OR employee_id = ?) AND id IS NOT ? LIMIT 3",
            params![company, email, mobile, employee_id, except],
        )
        .await?;
    let mut errors = Vec::new();
    if rows.iter().any(|r| r.email.is_some() && r.email.as_deref() == email) {
        errors.push(FieldError::new("email", Message::EmailTaken));
    }
    if rows.iter().any(|r| r.mobile.is_some() && r.mobile.as_deref() == mobile) {
        errors.push(FieldError::new("mobile", Message::MobileTaken));
    }
    if rows.iter().any(|r| r.employee_id.is_some() && r.employee_id.as_deref() == employee_id) {
        errors.push(FieldError::new("employee_id", Message::EmployeeIdTaken));
    }
    Ok(errors)
}

/// The columns a stored user record fills besides the user's fields.
const LIFE_COLUMNS: [&str; 9] = [
    "status",
    "password_hash",
    "sort_key",
    "search_text",
    "created_at",
    "invited_at",
    "activated_at",
    "last_access_at",
    "updated_at",
];

/// A user's record as the database stores it, for [`insert_statement`]:
/// the user's fields by code, their directory keys, status and dates.
pub fn stored_record(
    mut record: serde_json::Map<String, Value>,
    password_hash: Option<&str>,
    dates: &UserDates,
) -> Value {
    for (column, value) in [
        ("status", Some(dates.status.code().to_owned())),
        ("password_hash", password_hash.map(str::to_owned)),
        ("created_at", Some(dates.created_at.clone())),
        ("invited_at", dates.invited_at.clone()),
        ("activated_at", dates.activated_at.clone()),
        ("last_access_at", dates.last_access_at.clone()),
        ("updated_at", Some(dates.created_at.clone())),
    ] {
        record.insert(column.into(), value.into());
    }
    Value::Object(record)
}

/// The statement that inserts users into the company from a JSON array of
/// [`stored_record`]s, returning their ids. `company` may be given as a
/// sub-select (seeding), hence the SQL fragment.
pub fn insert_statement(
    db: &Db,
    company_sql: &str,
    company_param: &wasm_bindgen::JsValue,
    records: &str,
) -> DbResult<worker::D1PreparedStatement> {
    let columns: Vec<&str> = UserField::ALL.iter().map(|f| f.code()).chain(LIFE_COLUMNS).collect();
    let values: Vec<String> = columns.iter().map(|c| format!("json_extract(value, '$.{c}')")).collect();
    let sql = format!(
        "INSERT INTO users (company_id, {}) SELECT {company_sql}, {} FROM json_each(?) ORDER BY key RETURNING id",
        columns.join(", "),
        values.join(", ")
    );
    db.statement(&sql, &[company_param.clone(), records.into()])
}

/// Where a stored user stands: status and life-cycle dates.
pub struct UserDates {
    /// Status.
    pub status: roster_core::model::UserStatus,
    /// Creation time.
    pub created_at: String,
    /// Invitation time.
    pub invited_at: Option<String>,
    /// Activation time.
    pub activated_at: Option<String>,
    /// Last sign-in time.
    pub last_access_at: Option<String>,
}

/// Creates a user from the web form, with its audit entry, in one transaction.
///
/// # Errors
/// [`DbError::Unique`] when an identifier was taken meanwhile.
pub async fn create(db: &Db, company: CompanyId, actor: i64, user: &NewUser) -> DbResult<UserRow> {
    let now = platform::now().to_string();
    let dates =
        UserDates { status: user.status, created_at: now, invited_at: None, activated_at: None, last_access_at: None };
    let records = Value::Array(vec![stored_record(user.record(), None, &dates)]).to_string();
    let insert = insert_statement(db, "?", &company.to_js_value(), &records)?;
    let log = audit::entry(
        db,
        company,
        Some(actor),
        "user.create",
        user.email.as_ref().map(Email::as_str),
        &json!({ "last_name": user.last_name.as_str() }),
    )?;
    let results = db.batch(vec![insert, log]).await?;
    let id = super::returned_id(&results)?;
    get(db, company, id).await?.ok_or_else(|| DbError::Platform("created user vanished".into()))
}

/// Creates a user unless another user of the company holds one of their
/// identifiers, or they need a licence seat and none is left: then the
/// field errors, also when a concurrent request took an identifier meanwhile.
pub async fn create_unless_taken(
    db: &Db,
    company: CompanyId,
    actor: i64,
    licence_capacity: u32,
    user: &NewUser,
) -> DbResult<Result<UserRow, Vec<FieldError>>> {
    let mut clashes = clashes(db, company, None, user).await?;
    if Licences::asked_by(None, (user.status, user.licence_level)) > 0
        && licences(db, company, licence_capacity).await?.allow(1).is_err()
    {
        clashes.push(FieldError::new("licence_level", Message::NoLicenceLeft));
    }
    if !clashes.is_empty() {
        return Ok(Err(clashes));
    }
    match create(db, company, actor, user).await {
        Ok(created) => Ok(Ok(created)),
        Err(DbError::Unique(_)) => Ok(Err(self::clashes(db, company, None, user).await?)),
        Err(e) => Err(e),
    }
}

/// The web form as `user` fills it: what an edit starts from.
pub fn form_of(user: &UserRow) -> NewUserForm {
    NewUserForm::of_user(|field| match field {
        UserField::LastName => Some(user.last_name.as_str()),
        UserField::FirstName => user.first_name.as_deref(),
        UserField::Email => user.email.as_deref(),
        UserField::Mobile => user.mobile.as_deref(),
        UserField::EmployeeId => user.employee_id.as_deref(),
        UserField::Department => user.department.as_deref(),
        UserField::UserType => Some(user.user_type.as_str()),
        UserField::Role => Some(user.role.as_str()),
        UserField::LicenceLevel => Some(user.licence_level.as_str()),
        UserField::PreferredChannel => Some(user.preferred_channel.as_str()),
        UserField::Language => Some(user.language.as_str()),
    })
}

/// Stores an edit of a user who is not deleted, with an audit entry naming
/// the fields that changed, in one transaction. `None` when the user is
/// gone or was deleted meanwhile.
///
/// # Errors
/// [`DbError::Unique`] when an identifier was taken meanwhile.
pub async fn update(
    db: &Db,
    company: CompanyId,
    actor: i64,
    before: &UserRow,
    user: &NewUser,
) -> DbResult<Option<UserRow>> {
    let was = form_of(before);
    let changed: Vec<&str> =
        UserField::ALL.iter().filter(|&&f| was.raw(f).map(String::as_str) != user.value(f)).map(|f| f.code()).collect();
    if !changed.is_empty() {
        let set: Vec<String> = UserField::ALL
            .iter()
            .map(|f| f.code())
            .chain(["sort_key", "search_text"])
            .map(|c| format!("{c} = json_extract(?1, '$.{c}')"))
            .collect();
        let update = db.statement(
            &format!(
                "UPDATE users SET {}, updated_at = ?2 WHERE company_id = ?3 AND id = ?4 AND status != 'deleted'",
                set.join(", ")
            ),
            params![Value::Object(user.record()).to_string(), platform::now().to_string(), company, before.id],
        )?;
        let log = audit::entry(
            db,
            company,
            Some(actor),
            "user.update",
            before.email.as_deref(),
            &json!({
                "user_id": before.id,
                "fields": changed,
            }),
        )?;
        db.batch(vec![update, log]).await?;
    }
    get(db, company, before.id).await.map(|row| row.filter(|r| r.status != "deleted"))
}

/// What an import is checked against: the company's users (deleted ones
/// aside) with the fields a row may change, its group names and the
/// licence seats left of `licence_capacity`.
pub async fn import_snapshot(
    db: &Db,
    company: CompanyId,
    importer: &Actor,
    licence_capacity: u32,
) -> DbResult<roster_core::import::users::Snapshot> {
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    #[derive(Deserialize)]
    struct Membership {
        user_id: i64,
        name: String,
    }
    let mut users: Vec<roster_core::import::users::ExistingUser> = db
        .all(
            "SELECT id, last_name, first_name, email, mobile, employee_id, department, user_type, role, licence_level, \
             preferred_channel, language, status FROM users WHERE company_id = ? AND status != 'deleted' ORDER BY id",
            params![company],
        )
        .await?;
    let groups: Vec<Name> =
        db.all("SELECT name FROM groups WHERE company_id = ? ORDER BY name_key", params![company]).await?;
    // What each user already has, so that naming it again changes nothing.
    let memberships = [
        "SELECT l.user_id, g.name FROM group_users l JOIN groups g ON g.id = l.group_id WHERE l.company_id = ?",
        "SELECT l.user_id, g.name FROM user_allowed_groups l JOIN groups g ON g.id = l.group_id \
         WHERE l.company_id = ?",
        "SELECT l.user_id, t.name FROM user_tags l JOIN tags t ON t.id = l.tag_id WHERE l.company_id = ?",
    ];
    for (kind, sql) in memberships.into_iter().enumerate() {
        let rows: Vec<Membership> = db.all(sql, params![company]).await?;
        for Membership { user_id, name } in rows {
            // Users are sorted by id; a membership of a deleted user finds none.
            let Ok(at) = users.binary_search_by_key(&user_id, |u| u.id) else { continue };
            let user = &mut users[at];
            match kind {
                0 => user.groups.push(name),
                1 => user.allowed_groups.push(name),
                _ => user.tags.push(name),
            }
        }
    }
    mark_above_importer(db, company, importer, &mut users).await?;
    let seats_left = Some(licences(db, company, licence_capacity).await?.available());
    Ok(roster_core::import::users::Snapshot { users, groups: groups.into_iter().map(|g| g.name).collect(), seats_left })
}

/// Marks the users (sorted by id) who hold more than `importer`: a file may
/// name them but not change them.
async fn mark_above_importer(
    db: &Db,
    company: CompanyId,
    importer: &Actor,
    users: &mut [roster_core::import::users::ExistingUser],
) -> DbResult<()> {
    #[derive(Deserialize)]
    struct Staff {
        id: i64,
        #[serde(flatten)]
        powers: super::access::StoredPowers,
    }
    // Only those holding rights may hold more than the importer.
    let staff: Vec<Staff> = db
        .all(
            &format!(
                "SELECT u.id, {} FROM users u WHERE u.company_id = ? AND u.status != 'deleted' AND {}",
                super::access::POWERS,
                super::access::HOLDS_RIGHTS
            ),
            params![company],
        )
        .await?;
    for person in staff {
        if !permissions::covers(importer, &person.powers.read()?)
            && let Ok(at) = users.binary_search_by_key(&person.id, |u| u.id)
        {
            users[at].above_importer = true;
        }
    }
    Ok(())
}
