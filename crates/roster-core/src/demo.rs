//! The demo companies a local console starts with: deterministic, so that
//! seeding twice gives the same people and tests can count on them.

use crate::Language;
use crate::form::{FormContext, NewUser, NewUserForm};
use crate::model::{ActivityType, CountryCode, GroupName, Plan, Role, TagName, UserStatus};
use crate::permissions::Preset;
use crate::public_link::{self, Answers, FieldRule, FormField, IdentificationForm, LinkSettings, RawAnswers};

/// A company to seed.
#[derive(Clone, Debug)]
pub struct DemoCompany {
    /// The company's name.
    pub name: &'static str,
    /// Its plan.
    pub plan: Plan,
    /// Its first user: a company administrator who can sign in.
    pub admin: NewUser,
    /// Everyone else.
    pub users: Vec<DemoUser>,
    /// Its groups.
    pub groups: Vec<DemoGroup>,
    /// Its tags.
    pub tags: Vec<TagName>,
    /// Its thematic bases, each with its activities.
    pub bases: Vec<DemoBase>,
    /// Whether it imports invitation files (D1): on for Demo and Globex, so
    /// that Acme shows a company without it.
    pub invitation_file_import: bool,
    /// A public link with a few attempts, for Demo: what the activity's
    /// "free and public tests" tab shows at first look.
    pub public_link: Option<DemoPublicLink>,
    /// Licence seats left once its people are seeded.
    pub licence_headroom: u32,
    /// Whether it uses permission profiles (H1): on for Demo, which is gold.
    pub advanced_permissions: bool,
    /// People who are not administrators but sign in with permissions,
    /// with the administrator's password.
    pub staff: Vec<DemoStaff>,
}

/// Someone of the company's staff who holds a predefined profile.
#[derive(Clone, Debug)]
pub struct DemoStaff {
    /// Who they are (a member, active).
    pub user: NewUser,
    /// The profile they hold; none for a learner.
    pub preset: Option<Preset>,
    /// The groups (by name) whose members they reach.
    pub groups: Vec<&'static str>,
    /// The thematic bases (by name) they work in; `None` for all of them.
    pub bases: Option<Vec<&'static str>>,
}

impl DemoCompany {
    /// The seats the company has bought: those its seeded people take, and
    /// [`Self::licence_headroom`] more.
    pub fn licence_capacity(&self) -> u32 {
        let admin = u32::from(crate::licences::takes_seat(UserStatus::Active, self.admin.licence_level));
        let people = self.users.iter().filter(|u| crate::licences::takes_seat(u.status, u.user.licence_level)).count()
            + self
                .staff
                .iter()
                .filter(|s| crate::licences::takes_seat(UserStatus::Active, s.user.licence_level))
                .count();
        u32::try_from(people).unwrap_or(u32::MAX).saturating_add(admin).saturating_add(self.licence_headroom)
    }
}

/// A public link seeded on one of the company's questionnaires.
#[derive(Clone, Debug)]
pub struct DemoPublicLink {
    /// The questionnaire's title.
    pub activity: String,
    /// Its settings: an identification form.
    pub settings: LinkSettings,
    /// The answers it received, oldest first, each recorded as a visitor's
    /// would be.
    pub attempts: Vec<DemoAttempt>,
}

/// An answer to a seeded public link.
#[derive(Clone, Debug)]
pub struct DemoAttempt {
    /// What the visitor typed, read by the form.
    pub answers: Answers,
    /// Days between the attempt and the seeding day.
    pub days_ago: u32,
    /// The score reported at its end; `None` for an attempt never finished.
    pub score: Option<u8>,
}

/// A seeded user with where they stand.
#[derive(Clone, Debug)]
pub struct DemoUser {
    /// Who they are.
    pub user: NewUser,
    /// Their status.
    pub status: UserStatus,
    /// Indexes into [`DemoCompany::groups`].
    pub groups: Vec<usize>,
    /// Indexes into [`DemoCompany::tags`].
    pub tags: Vec<usize>,
    /// Days between creation and the seeding day.
    pub created_days_ago: u32,
    /// Days since they last signed in, for those who ever did.
    pub last_access_days_ago: Option<u32>,
}

/// A seeded group.
#[derive(Clone, Debug)]
pub struct DemoGroup {
    /// Its name.
    pub name: GroupName,
    /// Whether it is archived.
    pub archived: bool,
}

/// A seeded thematic base and its activities.
#[derive(Clone, Debug)]
pub struct DemoBase {
    /// The base's name.
    pub name: &'static str,
    /// Its activities: title and type.
    pub activities: Vec<(String, ActivityType)>,
}

const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "García",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martínez",
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Müller",
    "Schmidt",
    "Nguyen",
    "O'Brien",
    "Rossi",
];
const FIRST_NAMES: &[&str] = &[
    "Zoé", "Louis", "Emma", "Gabriel", "Jade", "Léo", "Louise", "Raphaël", "Alice", "Arthur", "Chloé", "Jules", "Léa",
    "Hugo", "Manon", "Adam", "Inès", "Lucas", "Camille", "Noé", "Élodie", "Théo", "Sarah", "Nathan", "Olivia", "James",
    "Amelia", "Oliver", "Isla", "Jonas", "Anna", "Mateo", "Sofia", "Yasmine",
];
const GROUPS: &[&str] = &[
    "Direction",
    "Ventes Paris",
    "Ventes Lyon",
    "Marketing",
    "Ressources humaines",
    "Finance",
    "Support",
    "R&D",
    "Logistique",
    "Nouveaux arrivants",
    "Managers",
    "Promotion 2019",
];
const DEPARTMENTS: &[&str] = &["Sales", "Marketing", "HR", "Finance", "Support", "Engineering", "Operations"];
const TAGS: &[&str] = &["mentor", "remote", "part-time", "onboarding", "ambassador", "certified"];

/// A small deterministic generator (splitmix64): the same seed, the same data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn demo_user(form: &NewUserForm) -> NewUser {
    let context =
        FormContext { admin_language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
    form.parse(context).expect("demo users are valid by construction")
}

fn company(name: &'static str, plan: Plan, domain: &str, size: usize, seed: u64) -> DemoCompany {
    let mut dice = Dice(seed);
    let admin = demo_user(&NewUserForm {
        last_name: Some("Admin".into()),
        first_name: Some(name.into()),
        email: Some(format!("admin@{domain}")),
        employee_id: Some("ADM-0001".into()),
        department: Some("Direction".into()),
        role: Some("company_admin".into()),
        ..NewUserForm::default()
    });
    let groups = GROUPS
        .iter()
        .enumerate()
        .map(|(i, group)| DemoGroup {
            name: GroupName::parse(group).expect("demo group names are valid"),
            archived: i == GROUPS.len() - 1,
        })
        .collect::<Vec<_>>();
    let users = (1..=size)
        .map(|n| {
            let last = dice.pick(LAST_NAMES);
            let first = dice.pick(FIRST_NAMES);
            let local = crate::text::key(&format!("{first}.{last}")).replace('_', "");
            let status = match dice.below(100) {
                0..=59 => UserStatus::Active,
                60..=71 => UserStatus::Invited,
                72..=83 => UserStatus::Created,
                84..=95 => UserStatus::Inactive,
                _ => UserStatus::Deleted,
            };
            // 61… is a range of French mobiles.
            let mobile = dice.chance(40).then(|| format!("+3361{:07}", dice.next() % 10_000_000));
            let role = match n % 97 {
                0 => "team_admin",
                _ => "member",
            };
            let user = demo_user(&NewUserForm {
                last_name: Some(last.into()),
                first_name: Some(first.into()),
                email: Some(format!("{local}.{n}@{domain}")),
                mobile,
                employee_id: Some(format!("E{n:05}")),
                department: Some(dice.pick(DEPARTMENTS).into()),
                role: Some(role.into()),
                ..NewUserForm::default()
            });
            let group_count = dice.below(3);
            let mut member_of: Vec<usize> = (0..group_count).map(|_| dice.below(groups.len())).collect();
            member_of.sort_unstable();
            member_of.dedup();
            let tags = if dice.chance(30) { vec![dice.below(TAGS.len())] } else { Vec::new() };
            let created_days_ago = u32::try_from(dice.below(720)).unwrap_or(0) + 1;
            let last_access_days_ago = matches!(status, UserStatus::Active | UserStatus::Inactive)
                .then(|| u32::try_from(dice.below(created_days_ago as usize)).unwrap_or(0));
            DemoUser { user, status, groups: member_of, tags, created_days_ago, last_access_days_ago }
        })
        .collect();
    let bases = ["Onboarding", "Sécurité", "Management"]
        .into_iter()
        .map(|base| DemoBase {
            name: base,
            activities: ActivityType::ALL
                .iter()
                .map(|&kind| (format!("{base} — {}", kind.label(Language::Fr)), kind))
                .collect(),
        })
        .collect();
    let tags = TAGS.iter().map(|t| TagName::parse(t).expect("demo tags are valid")).collect();
    DemoCompany {
        name,
        plan,
        admin,
        users,
        groups,
        tags,
        bases,
        invitation_file_import: false,
        public_link: None,
        licence_headroom: 500,
        advanced_permissions: false,
        staff: Vec::new(),
    }
}

/// Demo's public link: its onboarding questionnaire, answered by three of
/// its users (by e-mail or employee id), two visitors who became contacts,
/// and a guest who gave only names.
fn demo_public_link(company: &DemoCompany) -> DemoPublicLink {
    let questionnaire = &company.bases[0].activities.iter().find(|(_, kind)| *kind == ActivityType::Questionnaire);
    let activity = questionnaire.map(|(title, _)| title.clone()).unwrap_or_default();
    let rule = |field, required| FieldRule { field, required };
    let form = IdentificationForm {
        fields: vec![
            rule(FormField::EmailOrMobile, false),
            rule(FormField::LastName, true),
            rule(FormField::FirstName, true),
            rule(FormField::Company, false),
        ],
        authentication_required: false,
    };
    let active = company.users.iter().filter(|u| u.status == UserStatus::Active);
    let mut visitors: Vec<[String; 4]> = active
        .take(3)
        .map(|u| {
            let first = u.user.first_name.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default();
            let email = u.user.email.as_ref().map(ToString::to_string).unwrap_or_default();
            [email, u.user.last_name.as_str().to_owned(), first, String::new()]
        })
        .collect();
    for [address, last, first, organisation] in [
        ["camille.roux@partenaire.example", "Roux", "Camille", "Partenaire SA"],
        ["06 12 34 56 78", "Nguyen", "Thi", ""],
        ["", "Visiteur", "Alex", ""],
    ] {
        visitors.push([address.into(), last.into(), first.into(), organisation.into()]);
    }
    let attempts = visitors
        .iter()
        .zip(1_u32..)
        .map(|([address, last, first, organisation], n)| {
            let mut raw = RawAnswers::default();
            for (name, value) in
                [("email_or_mobile", address), ("last_name", last), ("first_name", first), ("company", organisation)]
            {
                raw.set(name, value);
            }
            let answers = public_link::read_answers(&form, &raw, CountryCode::FRANCE)
                .expect("the demo's answers are valid by construction");
            // Every third attempt is left unfinished, the others scored.
            let score = (n % 3 != 0).then(|| u8::try_from(55 + n * 7 % 45).unwrap_or(100));
            DemoAttempt { answers, days_ago: 14 - 2 * n, score }
        })
        .collect();
    DemoPublicLink { activity, settings: LinkSettings { enabled: true, closes_at: None, form: Some(form) }, attempts }
}

/// The demo companies: "Demo" (gold, about 1,000 users), "Acme" and
/// "Globex" (standard, a few dozen each), with administrators
/// `admin@demo.example` (of Demo and Globex) and `admin@acme.example`.
///
/// # Panics
/// Never: the demo data is valid (a test builds it).
pub fn companies() -> Vec<DemoCompany> {
    // Demo's administrator also administers Globex: signing in picks Demo
    // (first by name) and offers Globex. The test suite's API fuzzer works
    // in Globex, so what it changes disturbs no other test.
    let mut globex = company("Globex", Plan::Standard, "globex.example", 25, 0x5eed_0003);
    globex.admin.email = Some(crate::model::Email::parse(SHARED_ADMIN).expect("the demo address is valid"));
    globex.invitation_file_import = true;
    let mut demo = company("Demo", Plan::Gold, "demo.example", 1000, 0x5eed_0001);
    demo.invitation_file_import = true;
    demo.public_link = Some(demo_public_link(&demo));
    demo.advanced_permissions = true;
    demo.staff = demo_staff();
    // Initech has one seat left: the test suite's licence checks fill it
    // and free it, and no other test touches it.
    let mut initech = company("Initech", Plan::Standard, "initech.example", 6, 0x5eed_0004);
    initech.licence_headroom = 1;
    vec![demo, company("Acme", Plan::Standard, "acme.example", 40, 0x5eed_0002), globex, initech]
}

/// A group one demo company shares with another (J6).
#[derive(Clone, Copy, Debug)]
pub struct DemoShare {
    /// The company whose group it is.
    pub owner: &'static str,
    /// The group's name.
    pub group: &'static str,
    /// The partner company it is shared with.
    pub partner: &'static str,
    /// How many of the owner's active members (first by id) are in it.
    pub owner_members: u32,
    /// How many of the partner's active members (first by id) it puts in.
    pub partner_members: u32,
}

/// Demo's "Projet partenaires", with five of its users, shared with Acme,
/// which puts three of its own in: Demo's exports list them without
/// address or department, and Acme sees only its own three.
pub const SHARED_GROUP: DemoShare =
    DemoShare { owner: "Demo", group: "Projet partenaires", partner: "Acme", owner_members: 5, partner_members: 3 };

/// Demo's staff: a manager who follows the Paris sales team, a trainer of
/// the Lyon sales team who works in the safety base, and a learner, who
/// holds no permission and so cannot sign in to the console.
fn demo_staff() -> Vec<DemoStaff> {
    let person = |first: &str, last: &str, email: &str| {
        demo_user(&NewUserForm {
            last_name: Some(last.into()),
            first_name: Some(first.into()),
            email: Some(email.into()),
            ..NewUserForm::default()
        })
    };
    vec![
        DemoStaff {
            user: person("Suzanne", "Manager", STAFF_MANAGER),
            preset: Some(Preset::Manager),
            groups: vec!["Ventes Paris"],
            bases: None,
        },
        DemoStaff {
            user: person("Raffy", "Formateur", STAFF_TRAINER),
            preset: Some(Preset::Trainer),
            groups: vec!["Ventes Lyon"],
            bases: Some(vec!["Sécurité"]),
        },
        DemoStaff { user: person("Léa", "Apprenante", STAFF_LEARNER), preset: None, groups: Vec::new(), bases: None },
    ]
}

/// Demo's manager, who sees and exports the Paris sales team.
pub const STAFF_MANAGER: &str = "manager@demo.example";
/// Demo's trainer, of the Lyon sales team, in the safety base.
pub const STAFF_TRAINER: &str = "trainer@demo.example";
/// Demo's learner, who cannot sign in to the console.
pub const STAFF_LEARNER: &str = "learner@demo.example";

/// The administrator of both Demo and Globex.
pub const SHARED_ADMIN: &str = "admin@demo.example";

/// The headers of [`import_rows`]: twelve columns, as an admin's export
/// from another system would have them, in French.
pub const IMPORT_HEADERS: [&str; 12] = [
    "Nom",
    "Prénom",
    "Adresse mail",
    "Mobile",
    "Matricule",
    "Service",
    "Type",
    "Rôle",
    "Licence",
    "Canal préféré",
    "Langue",
    "Groupes",
];

/// `count` valid rows for a user import file, the same for the same `seed`:
/// the load a large company's file puts on the validator.
pub fn import_rows(count: usize, seed: u64) -> impl Iterator<Item = [String; 12]> {
    let mut dice = Dice(seed);
    (0..count).map(move |n| {
        let last = dice.pick(LAST_NAMES);
        let first = dice.pick(FIRST_NAMES);
        let local = crate::text::key(&format!("{first}.{last}")).replace('_', ".");
        let mobile = if dice.chance(50) {
            format!("06 {:02} {:02} {:02} {:02}", n / 1_000_000 % 100, n / 10_000 % 100, n / 100 % 100, n % 100)
        } else {
            String::new()
        };
        let groups = (0..dice.below(3)).map(|_| dice.pick(GROUPS)).collect::<Vec<_>>().join(", ");
        [
            last.to_owned(),
            first.to_owned(),
            format!("{local}.{n}@bulk.example"),
            mobile,
            format!("M{n:07}"),
            dice.pick(DEPARTMENTS).to_owned(),
            dice.pick(&["collaborateur", "externe", "partenaire"]).to_owned(),
            "membre".to_owned(),
            dice.pick(&["créateur", "participant"]).to_owned(),
            "e-mail".to_owned(),
            dice.pick(&["fr", "en", "de"]).to_owned(),
            groups,
        ]
    })
}

/// `count` users as an export shows them, the same for the same `seed`:
/// the load a large company puts on the export writers.
pub fn exported_users(count: usize, seed: u64) -> impl Iterator<Item = crate::export::users::ExportedUser> {
    let mut dice = Dice(seed);
    let day = |n: usize| {
        crate::time::Timestamp::from_unix_seconds(1_700_000_000 + i64::try_from(n % 900).unwrap_or(0) * 86_400)
    };
    (0..count).map(move |n| {
        let (last, first) = (dice.pick(LAST_NAMES), dice.pick(FIRST_NAMES));
        let local = crate::text::key(&format!("{first}.{last}")).replace('_', ".");
        let status = dice.pick(&["active", "active", "active", "inactive", "invited", "created"]);
        let active = matches!(status, "active" | "inactive");
        let groups = (0..dice.below(3)).map(|_| dice.pick(GROUPS)).collect::<Vec<_>>().join(", ");
        crate::export::users::ExportedUser {
            last_name: last.to_owned(),
            first_name: Some(first.to_owned()),
            email: Some(format!("{local}.{n}@bulk.example")),
            mobile: dice.chance(50).then(|| format!("+3361{:07}", n % 10_000_000)),
            employee_id: Some(format!("M{n:07}")),
            department: Some(dice.pick(DEPARTMENTS).to_owned()),
            user_type: dice.pick(&["collaborator", "external", "partner"]).to_owned(),
            role: "member".to_owned(),
            licence_level: dice.pick(&["creator", "participant"]).to_owned(),
            status: status.to_owned(),
            preferred_channel: "email".to_owned(),
            language: dice.pick(&["fr", "en", "de"]).to_owned(),
            groups: (!groups.is_empty()).then_some(groups),
            tags: dice.chance(20).then(|| dice.pick(TAGS).to_owned()),
            created_at: day(n).to_string(),
            invited_at: (status != "created").then(|| day(n).plus_days(1).to_string()),
            activated_at: active.then(|| day(n).plus_days(2).to_string()),
            last_access_at: active.then(|| day(n).plus_days(30).to_string()),
            logins: Some(if active { u32::try_from(dice.below(200)).unwrap_or(0) } else { 0 }),
            participations: Some(if active { u32::try_from(dice.below(50)).unwrap_or(0) } else { 0 }),
            activities_created: Some(u32::try_from(dice.below(4)).unwrap_or(0)),
            note: None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_the_same_every_time() {
        let (a, b) = (companies(), companies());
        assert_eq!(a[0].users.len(), 1000);
        for (x, y) in a[0].users.iter().zip(&b[0].users) {
            assert_eq!(x.user, y.user);
            assert_eq!(x.status, y.status);
        }
    }

    #[test]
    fn the_demo_covers_every_status_and_one_archived_group() {
        let demo = &companies()[0];
        for &status in UserStatus::ALL {
            assert!(demo.users.iter().any(|u| u.status == status), "{status}");
        }
        assert_eq!(demo.groups.iter().filter(|g| g.archived).count(), 1);
        assert_eq!(demo.bases.iter().map(|b| b.activities.len()).sum::<usize>(), 18);
    }

    #[test]
    fn demo_public_link_is_answered_by_users_contacts_and_a_guest() {
        let all = companies();
        let demo = &all[0];
        let link = demo.public_link.as_ref().unwrap();
        assert!(demo.bases[0].activities.iter().any(|(t, k)| *t == link.activity && *k == ActivityType::Questionnaire));
        let form = link.settings.form.as_ref().unwrap();
        assert!(form.clone().checked().is_ok());
        let known = |a: &DemoAttempt| {
            demo.users.iter().any(|u| u.user.email.is_some() && u.user.email.as_ref() == a.answers.email())
        };
        let (mut users, mut contacts, mut guests) = (0, 0, 0);
        for attempt in &link.attempts {
            match public_link::plan(Some(form), &attempt.answers) {
                public_link::Plan::UserElseContact(Some(_)) if known(attempt) => users += 1,
                public_link::Plan::UserElseContact(Some(_)) => contacts += 1,
                public_link::Plan::Guest => guests += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!((users, contacts, guests), (3, 2, 1));
        assert!(link.attempts.iter().any(|a| a.score.is_none()), "one left unfinished");
        assert!(all[1..].iter().all(|c| c.public_link.is_none()));
    }

    #[test]
    fn generated_import_rows_validate_cleanly() {
        use crate::import::users::{Context, Snapshot, validate};
        let mut csv = IMPORT_HEADERS.join(";") + "\n";
        for row in import_rows(2_000, 7) {
            csv.push_str(&row.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(";"));
            csv.push('\n');
        }
        let context =
            Context { language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
        let report = validate(csv.as_bytes(), &context, &Snapshot::default(), crate::sheet::Limits::PRODUCT).unwrap();
        assert_eq!(report.remarks.blocking, 0, "{:?}", report.remarks.items.first());
        assert_eq!(report.plan.creates.len(), 2_000);
    }

    #[test]
    fn demo_emails_are_unique_per_company() {
        for company in companies() {
            let mut emails: Vec<_> = company.users.iter().filter_map(|u| u.user.email.clone()).collect();
            emails.push(company.admin.email.clone().unwrap());
            let before = emails.len();
            emails.sort();
            emails.dedup();
            assert_eq!(emails.len(), before, "{}", company.name);
        }
    }
}
