//! When an invitation's messages go out (D2, E3): the first message at the
//! start, resends while the start period lasts (not for cycles), and one
//! reminder some days after the start (modules only). Dates are entered in
//! the company's time zone and kept in UTC.

use crate::model::ActivityType;
use crate::time::{LocalTimeError, Timestamp, Zone};
use crate::{FieldError, Message};

/// The longest resend or reminder period, in days: the longest period the
/// text of a file may give.
pub use crate::time_text::MAX_PERIOD_DAYS;

/// An invitation's schedule as an admin fills it in: local dates and times.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleForm {
    /// When the activity opens (`2026-12-01T09:00`, company time).
    pub start: String,
    /// When the start period ends (company time).
    pub start_until: String,
    /// Resend to those who have not started, every this many days.
    #[serde(default, deserialize_with = "whole_days")]
    pub resend_every_days: Option<u32>,
    /// Remind those who have not started this many days after the start.
    #[serde(default, deserialize_with = "whole_days")]
    pub remind_after_days: Option<u32>,
}

/// A number of days in either JSON form of a whole number (`3` or `3.0`);
/// negative or fractional numbers are refused.
fn whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let Some(number) = <Option<serde_json::Number> as serde::Deserialize>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = number.as_u64().or_else(|| {
        let v = number.as_f64()?;
        // Whole and within u32: the cast keeps the value.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)).then_some(v as u64)
    });
    whole
        .and_then(|v| u32::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("{number} is not a whole number of days")))
}

/// A checked schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schedule {
    /// When the first message goes.
    pub start: Timestamp,
    /// The end of the start period.
    pub start_until: Timestamp,
    /// The resend period in days.
    pub resend_every_days: Option<u32>,
    /// The reminder delay in days.
    pub remind_after_days: Option<u32>,
}

impl ScheduleForm {
    /// Checks the form for an activity of type `kind`, at `now`.
    ///
    /// # Errors
    /// Every problem, each on its field.
    pub fn parse(&self, kind: ActivityType, zone: &Zone, now: Timestamp) -> Result<Schedule, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut instant = |field, raw: &str| match zone.instant(raw) {
            Ok(at) if at <= now => {
                errors.push(FieldError::new(field, Message::NotInFuture));
                None
            }
            Ok(at) => Some(at),
            Err(e) => {
                errors.push(FieldError::new(field, local_time_message(e)));
                None
            }
        };
        let start = instant("start", &self.start);
        let start_until = instant("start_until", &self.start_until);
        if let (Some(start), Some(until)) = (start, start_until)
            && until <= start
        {
            errors.push(FieldError::new("start_until", Message::EndBeforeStart));
        }
        let period =
            |field, days: Option<u32>, allowed: bool, refused: Message, errors: &mut Vec<FieldError>| match days {
                Some(_) if !allowed => errors.push(FieldError::new(field, refused)),
                Some(d) if !(1..=MAX_PERIOD_DAYS).contains(&d) => {
                    errors.push(FieldError::new(field, Message::OutOfRange));
                }
                _ => {}
            };
        period(
            "resend_every_days",
            self.resend_every_days,
            kind != ActivityType::Cycle,
            Message::NoResendForCycles,
            &mut errors,
        );
        period(
            "remind_after_days",
            self.remind_after_days,
            kind == ActivityType::Module,
            Message::RemindOnlyModules,
            &mut errors,
        );
        match (start, start_until) {
            (Some(start), Some(start_until)) if errors.is_empty() => Ok(Schedule {
                start,
                start_until,
                resend_every_days: self.resend_every_days,
                remind_after_days: self.remind_after_days,
            }),
            _ => Err(errors),
        }
    }
}

/// What to tell an admin whose date and time was refused.
pub const fn local_time_message(error: LocalTimeError) -> Message {
    match error {
        LocalTimeError::Skipped => Message::TimeSkipped,
        LocalTimeError::Repeated => Message::TimeRepeated,
        LocalTimeError::Shape | LocalTimeError::Range => Message::NotADateTime,
    }
}

/// Which messages of an invitation went out already.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// The first message went.
    pub sent: bool,
    /// How many resend rounds went (or were passed over).
    pub resends: u32,
    /// The reminder went (or was passed over).
    pub reminded: bool,
}

/// A message round of an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "step", content = "round")]
pub enum Step {
    /// The invitation itself.
    Send,
    /// The `n`th resend, to those who have not started.
    Resend(u32),
    /// The reminder, to those who have not started.
    Remind,
}

impl Step {
    /// The step's code in the outbox and the audit log.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Send => "invitation",
            Self::Resend(_) => "resend",
            Self::Remind => "reminder",
        }
    }
}

/// What a run of the scheduler does for one invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The rounds to send now (at most one of each kind).
    pub steps: Vec<Step>,
    /// The progress once they are sent.
    pub after: Progress,
}

const DAY: i64 = 86_400;

impl Schedule {
    /// The `n`th resend time, if it falls inside the start period.
    fn resend_at(&self, n: u32) -> Option<Timestamp> {
        let at = self.start.plus_days(i64::from(self.resend_every_days?) * i64::from(n));
        (at < self.start_until).then_some(at)
    }

    fn remind_at(&self) -> Option<Timestamp> {
        Some(self.start.plus_days(i64::from(self.remind_after_days?)))
    }

    /// The rounds due at `now` given what went. A run that comes late sends
    /// only the latest resend round; rounds that fall due together with the
    /// first message are passed over (the person has just been invited).
    /// Running it again with the progress it gave sends nothing.
    pub fn due(&self, done: Progress, now: Timestamp) -> Due {
        let mut steps = Vec::new();
        let mut after = done;
        if now < self.start {
            return Due { steps, after };
        }
        let sending_now = !done.sent;
        if sending_now {
            steps.push(Step::Send);
            after.sent = true;
        }
        if let Some(period) = self.resend_every_days {
            let elapsed = (now.unix_seconds() - self.start.unix_seconds()) / (i64::from(period) * DAY);
            let latest = (1..=u32::try_from(elapsed).unwrap_or(u32::MAX))
                .rev()
                .find(|&n| self.resend_at(n).is_some())
                .filter(|&n| n > done.resends);
            if let Some(n) = latest {
                if !sending_now {
                    steps.push(Step::Resend(n));
                }
                after.resends = n;
            }
        }
        if let Some(at) = self.remind_at()
            && now >= at
            && !done.reminded
        {
            if !sending_now {
                steps.push(Step::Remind);
            }
            after.reminded = true;
        }
        Due { steps, after }
    }

    /// When the next round falls due after `done`; `None` once none is left.
    pub fn next_at(&self, done: Progress) -> Option<Timestamp> {
        if !done.sent {
            return Some(self.start);
        }
        let resend = self.resend_at(done.resends + 1).filter(|_| self.resend_every_days.is_some());
        let remind = self.remind_at().filter(|_| !done.reminded);
        match (resend, remind) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-22T10:00:00Z").unwrap()
    }

    fn form(start: &str, until: &str, resend: Option<u32>, remind: Option<u32>) -> ScheduleForm {
        ScheduleForm {
            start: start.into(),
            start_until: until.into(),
            resend_every_days: resend,
            remind_after_days: remind,
        }
    }

    fn codes(result: Result<Schedule, Vec<FieldError>>) -> Vec<(&'static str, Message)> {
        result.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn dates_are_company_time_in_the_future_and_in_order() {
        let zone = Zone::default();
        let ok =
            form("2026-12-01T09:00", "2026-12-15T18:00", Some(3), Some(2)).parse(ActivityType::Module, &zone, now());
        let schedule = ok.unwrap();
        assert_eq!(schedule.start.to_string(), "2026-12-01T08:00:00Z");
        assert_eq!(
            codes(form("2026-11-22T10:59", "2026-11-22T10:30", None, None).parse(ActivityType::Survey, &zone, now())),
            [("start", Message::NotInFuture), ("start_until", Message::NotInFuture)]
        );
        assert_eq!(
            codes(form("2026-12-02T09:00", "2026-12-01T09:00", None, None).parse(ActivityType::Survey, &zone, now())),
            [("start_until", Message::EndBeforeStart)]
        );
        assert_eq!(
            codes(form("soon", "2026-12-01T09:00", None, None).parse(ActivityType::Survey, &zone, now())),
            [("start", Message::NotADateTime)]
        );
    }

    #[test]
    fn periods_are_read_from_either_form_of_whole_numbers() {
        let read = |json: &str| serde_json::from_str::<ScheduleForm>(json).map(|f| f.resend_every_days);
        assert_eq!(read(r#"{"start":"","start_until":"","resend_every_days":3.0}"#).unwrap(), Some(3));
        assert_eq!(read(r#"{"start":"","start_until":"","resend_every_days":3}"#).unwrap(), Some(3));
        assert!(read(r#"{"start":"","start_until":"","resend_every_days":2.5}"#).is_err());
        assert!(read(r#"{"start":"","start_until":"","resend_every_days":-1}"#).is_err());
    }

    #[test]
    fn cycles_are_not_resent_and_only_modules_are_reminded() {
        let zone = Zone::default();
        let f = form("2026-12-01T09:00", "2026-12-15T18:00", Some(3), Some(2));
        assert_eq!(
            codes(f.parse(ActivityType::Cycle, &zone, now())),
            [("resend_every_days", Message::NoResendForCycles), ("remind_after_days", Message::RemindOnlyModules)]
        );
        assert_eq!(
            codes(form("2026-12-01T09:00", "2026-12-15T18:00", Some(0), None).parse(
                ActivityType::Survey,
                &zone,
                now()
            )),
            [("resend_every_days", Message::OutOfRange)]
        );
    }

    fn schedule() -> Schedule {
        Schedule {
            start: Timestamp::parse("2026-12-01T08:00:00Z").unwrap(),
            start_until: Timestamp::parse("2026-12-11T08:00:00Z").unwrap(),
            resend_every_days: Some(3),
            remind_after_days: Some(2),
        }
    }

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).unwrap()
    }

    #[test]
    fn each_round_goes_once_however_often_the_scheduler_runs() {
        let s = schedule();
        let mut done = Progress::default();
        let mut sent = Vec::new();
        // Every hour for twelve days, each run twice.
        let mut now = at("2026-11-30T00:00:00Z");
        while now < at("2026-12-12T00:00:00Z") {
            for _ in 0..2 {
                let due = s.due(done, now);
                sent.extend(due.steps.iter().map(|step| (*step, now.to_string())));
                done = due.after;
            }
            now = now.plus_seconds(3600);
        }
        assert_eq!(
            sent,
            [
                (Step::Send, "2026-12-01T08:00:00Z".to_owned()),
                (Step::Remind, "2026-12-03T08:00:00Z".to_owned()),
                (Step::Resend(1), "2026-12-04T08:00:00Z".to_owned()),
                (Step::Resend(2), "2026-12-07T08:00:00Z".to_owned()),
                (Step::Resend(3), "2026-12-10T08:00:00Z".to_owned()),
            ]
        );
        assert_eq!(s.next_at(done), None);
    }

    #[test]
    fn a_late_run_sends_the_latest_round_only() {
        let s = schedule();
        let first = s.due(Progress::default(), at("2026-12-08T00:00:00Z"));
        assert_eq!(first.steps, [Step::Send], "rounds due with the first message are passed over");
        assert_eq!(first.after, Progress { sent: true, resends: 2, reminded: true });
        assert_eq!(s.next_at(first.after), Some(at("2026-12-10T08:00:00Z")));
        let late = s.due(Progress { sent: true, resends: 0, reminded: true }, at("2026-12-10T09:00:00Z"));
        assert_eq!(late.steps, [Step::Resend(3)]);
        assert_eq!(s.due(Progress::default(), at("2026-11-30T00:00:00Z")).steps, []);
    }
}
