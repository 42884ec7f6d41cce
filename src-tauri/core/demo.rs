//! Demo data: deterministic, realistic, made-up carers for trying the app, training and
//! benchmarks. The same seed always gives the same people. Names are common UK names in no
//! meaningful combination; postcodes have real outward codes with made-up inward codes.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::carers::{self, CarerInput};
use crate::choices::{
    CareKind, Condition, ContactMethod, Disability, Employment, Ethnicity, Gender, HoursBand, NoteKind, ReferralSource,
    Relationship,
};
use crate::context::Ctx;
use crate::dates::latest_birth_for_age;
use crate::error::{Error, Result};

mod scale;

const FIRST_F: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Sophia",
    "Aisha",
    "Fatima",
    "Zara",
    "Priya",
    "Chloe",
    "Emily",
    "Jessica",
    "Hannah",
    "Margaret",
    "Patricia",
    "Susan",
    "Linda",
    "Janet",
    "Maria",
    "Aleksandra",
    "Niamh",
    "Siobhan",
    "Chiamaka",
    "Abena",
    "Mei",
    "Yasmin",
    "Rukhsana",
    "Eilidh",
    "Bethan",
    "Joan",
    "Doreen",
    "Sharon",
    "Tracey",
];
const FIRST_M: &[&str] = &[
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Jack", "Mohammed", "Ibrahim", "Arjun", "Ravi",
    "Daniel", "James", "David", "John", "Peter", "Michael", "Kwame", "Tunde", "Tomasz", "Piotr", "Sean", "Liam",
    "Callum", "Rhys", "Owen", "Wei", "Hamza", "Yusuf", "Dennis", "Keith", "Barry", "Gareth", "Kofi",
];
const LAST: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Ahmed",
    "Hussain",
    "Begum",
    "Ali",
    "Singh",
    "Kaur",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Nowak",
    "Kowalski",
    "O'Brien",
    "Murphy",
    "Kelly",
    "McDonald",
    "Campbell",
    "Hughes",
    "Edwards",
    "Chen",
    "Nguyen",
    "Da Silva",
    "Hassan",
    "Osei",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "Ward",
    "Morgan",
    "Turner",
    "Bennett",
    "Shah",
    "Mahmood",
    "Smith-Jones",
    "Fraser",
];
const OUTWARD: &[(&str, &str)] = &[
    ("RM8", "Dagenham"),
    ("RM9", "Dagenham"),
    ("RM10", "Dagenham"),
    ("IG11", "Barking"),
    ("RM6", "Chadwell Heath"),
    ("N12", "London"),
    ("NW9", "London"),
    ("EN5", "Barnet"),
    ("HA8", "Edgware"),
    ("CA1", "Carlisle"),
    ("CA14", "Workington"),
    ("LA14", "Barrow-in-Furness"),
    ("RM17", "Grays"),
    ("RM16", "Chafford Hundred"),
    ("SS17", "Stanford-le-Hope"),
];
const STREETS: &[&str] = &[
    "Church Road",
    "Station Road",
    "Victoria Street",
    "Green Lane",
    "Manor Road",
    "Park Avenue",
    "Queens Road",
    "Mill Lane",
    "Becontree Avenue",
    "Ripple Road",
    "Whalebone Lane",
    "The Broadway",
    "Oak Close",
    "Elm Grove",
];
/// Primary schools (Reception to Year 6) and secondary schools with sixth forms.
const PRIMARY_SCHOOLS: &[&str] =
    &["Eastbury Primary School", "Barnet Hill Primary Academy", "St Margaret's CE Primary"];
const SECONDARY_SCHOOLS: &[&str] =
    &["Robert Clack School", "Jo Richardson Community School", "Trinity School Carlisle", "Sydney Russell School"];
const GPS: &[&str] = &[
    "Church Elm Lane Surgery",
    "Oxlow Lane Medical Centre",
    "Parkview Health Centre",
    "Station Road Surgery",
    "Riverside Medical Practice",
    "Orsett Road Surgery",
];
const LANGUAGES: &[&str] =
    &["English", "English", "English", "English", "Urdu", "Bengali", "Polish", "Punjabi", "Yoruba", "Romanian"];
const NOTE_TEXTS: &[&str] = &[
    "Called to check in. Feeling more settled since the respite week; would like information about the peer support group.",
    "Home visit. Talked through what a carer's assessment involves; agreed to book one next month.",
    "Letter sent with carer's allowance information and the benefits check leaflet.",
    "Met at the carers café. Mentioned sleep has been poor since mum's hospital stay.",
    "Spoke with the school's young carers lead about homework deadlines; school will agree an adjustment.",
    "Emailed details of the moving and handling training dates.",
    "Phoned: GP has added carer status to the record and offered a health check.",
    "Meeting with social worker about a replacement care plan for the Thursday appointments.",
    "Young carer said lunchtimes are hard because of checking on dad by phone; quiet space agreed.",
    "Discussed an emergency plan: sister will step in; key safe code held by the district nurse team.",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, list: &'a [T]) -> &'a T {
    list.choose(rng).expect("non-empty list")
}

fn postcode(rng: &mut ChaCha8Rng) -> (String, &'static str) {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let (out, town) = *pick(rng, OUTWARD);
    let inward = format!(
        "{}{}{}",
        rng.random_range(0..10),
        LETTERS[rng.random_range(0..LETTERS.len())] as char,
        LETTERS[rng.random_range(0..LETTERS.len())] as char
    );
    (format!("{out} {inward}"), town)
}

/// A valid NHS number (Modulus 11) from the reserved test range starting 999.
fn nhs_number(rng: &mut ChaCha8Rng) -> String {
    loop {
        let mut d: Vec<u32> = vec![9, 9, 9];
        d.extend((0..6).map(|_| rng.random_range(0..10)));
        let sum: u32 = d.iter().zip((2..=10).rev()).map(|(a, w)| a * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        d.push(check);
        let s: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect();
        return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
    }
}

/// Most transition milestones whose time has passed were done (a few were missed, so the
/// Transitions view has work in it); the handover is recorded with consent to share.
fn demo_milestones(
    tx: &rusqlite::Transaction<'_>,
    rng: &mut ChaCha8Rng,
    carer_id: i64,
    dob: NaiveDate,
    identified: NaiveDate,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    use crate::transition::{milestones, Done, Timeline};
    let known = Done { known_from: Some(identified), ..Done::default() };
    let Ok(all) = milestones(Some(dob), &Timeline::default(), &known, today) else { return Ok(()) };
    for m in all.iter().filter(|m| m.status == "overdue") {
        if rng.random_bool(0.12) {
            continue;
        }
        let from = crate::dates::from_iso(&m.due_from).expect("iso").max(identified);
        let to = m.deadline.as_deref().and_then(crate::dates::from_iso).unwrap_or(today).min(today);
        let on = crate::dates::iso(date_between(rng, from.min(to), to));
        if m.code == "handover" {
            tx.prepare_cached(
                "INSERT INTO handovers (carer_id, receiving_service, worker, handover_on, consent_to_share, recorded_at, recorded_by)
                 VALUES (?1, 'Adult Carers Hub', 'Demo Worker', ?2, 1, ?3, 'Demo Worker')",
            )?
            .execute(rusqlite::params![carer_id, on, now])?;
        } else {
            tx.prepare_cached(
                "INSERT INTO milestones_done (carer_id, milestone, done_on, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, 'Demo Worker')",
            )?
            .execute(rusqlite::params![carer_id, m.code, on, now])?;
        }
    }
    Ok(())
}

/// Some young carers have adjustments their school agreed: a few overdue for review.
fn demo_adjustments(
    tx: &rusqlite::Transaction<'_>,
    rng: &mut ChaCha8Rng,
    carer_id: i64,
    identified: NaiveDate,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    use crate::choices::AdjustmentKind;
    const NOTES: &[&str] = &[
        "Two extra days for homework when Mum has a bad week.",
        "Phone on silent in the bag; may check messages at break.",
        "Late marks not given if the young carer says they were caring.",
        "May use the library office at lunchtime.",
        "A time-out card for lessons.",
        "School pays for trips; ask the young carers lead.",
    ];
    let kinds = [
        AdjustmentKind::Homework,
        AdjustmentKind::Phone,
        AdjustmentKind::Lateness,
        AdjustmentKind::QuietSpace,
        AdjustmentKind::TimeOut,
        AdjustmentKind::TripsCosts,
    ];
    let n = match rng.random_range(0..10) {
        0..=3 => 0,
        4..=6 => 1,
        7..=8 => 2,
        _ => 3,
    };
    let first = rng.random_range(0..kinds.len());
    for i in 0..n {
        let k = (first + i) % kinds.len();
        let agreed = date_between(rng, identified.min(today), today);
        let review = agreed + Days::new(rng.random_range(90..400));
        tx.prepare_cached(
            "INSERT INTO adjustments (carer_id, kind, note, agreed_on, review_on, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'Demo Worker', ?6, 'Demo Worker')",
        )?
        .execute(rusqlite::params![
            carer_id,
            kinds[k],
            NOTES[k],
            crate::dates::iso(agreed),
            crate::dates::iso(review),
            now
        ])?;
    }
    Ok(())
}

fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0) as u64;
    from + Days::new(rng.random_range(0..=days))
}

fn code<T: Copy>(rng: &mut ChaCha8Rng, all: &[T], f: fn(T) -> &'static str) -> Option<String> {
    Some(f(*pick(rng, all)).to_string())
}

/// Who someone of `person_age` is to a carer of `carer_age` in the same family.
fn relationship_by_age(carer_age: i64, person_age: i64) -> Relationship {
    match person_age - carer_age {
        45.. => Relationship::Grandparent,
        16..=44 => Relationship::Parent,
        -10..=10 => Relationship::Sibling,
        ..=-45 => Relationship::Grandchild,
        -44..=-16 => Relationship::Child,
        _ => Relationship::OtherRelative,
    }
}

#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct DemoCounts {
    pub carers_created: u64,
    pub cared_for_created: u64,
    pub notes_created: u64,
    pub plans_created: u64,
    pub passports_created: u64,
    pub assessments_created: u64,
}

/// Adds `n` made-up carers (with cared-for people, links and notes) from `seed`.
// Long: one seeded script of made-up records; the random draws must stay in this order, so that the
// same seed makes the same register.
pub fn generate(ctx: &Ctx<'_>, n: u32, seed: u64) -> Result<DemoCounts> {
    let tx = ctx.tx;
    let today = ctx.today();
    let now = ctx.now();
    let by = "demo data";
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut counts = DemoCounts::default();
    // People cared for are written with their id and reference, from the next free id.
    let mut next_person: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM cared_for", [], |r| r.get(0))?;
    let mut person_stmt = tx.prepare_cached(
        "INSERT INTO cared_for (id, reference, first_name, last_name, date_of_birth, approximate_age, age_recorded_on, notes, created_at, updated_at)
         VALUES (?1, printf('P-%06d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?;
    let mut cond_stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO cared_for_conditions (cared_for_id, condition) VALUES (?1, ?2)")?;
    let mut link_stmt = tx.prepare_cached(
        "INSERT INTO caring_links (carer_id, cared_for_id, relationship, lives_together, hours_band, since, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?;
    let mut kind_stmt = tx.prepare_cached("INSERT OR IGNORE INTO caring_link_kinds (link_id, kind) VALUES (?1, ?2)")?;
    let mut note_stmt = tx.prepare_cached(
        "INSERT INTO notes (carer_id, date, kind, author, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    // The last household's cared-for person, so some carers share one (the whole family).
    // (id, surname, age) of the last cared-for person: a carer who shares them is family and
    // takes their surname; the relationship follows from the ages.
    let mut household: Option<(i64, String, i64)> = None;
    let mut batch = carers::Batch::new(tx)?;

    for _ in 0..n {
        // Ages 8-90, weighted towards working age and older carers as services see them.
        let age: i64 = match rng.random_range(0..100) {
            0..=17 => rng.random_range(8..18),
            18..=29 => rng.random_range(18..26),
            30..=79 => rng.random_range(26..66),
            _ => rng.random_range(66..91),
        };
        let youngest = latest_birth_for_age(today, age as u32);
        let oldest = latest_birth_for_age(today, age as u32 + 1) + Days::new(1);
        let dob = date_between(&mut rng, oldest, youngest);
        let female = rng.random_bool(0.65);
        let first = *pick(&mut rng, if female { FIRST_F } else { FIRST_M });
        let share_household = household.is_some() && rng.random_bool(0.08);
        let last = match (&household, share_household) {
            (Some((_, surname, _)), true) => surname.clone(),
            _ => pick(&mut rng, LAST).to_string(),
        };
        let (pc, town) = postcode(&mut rng);
        let real_age = crate::dates::age_on(dob, today).unwrap_or(0);
        let identified = date_between(&mut rng, today - Days::new(5 * 365), today).max(dob);
        let consent = rng.random_bool(0.9);
        let young = real_age < 18;
        let details = CarerInput {
            title: (!young)
                .then(|| (*pick(&mut rng, if female { &["Ms", "Mrs", "Miss"][..] } else { &["Mr"][..] })).to_string()),
            first_name: Some(first.to_string()),
            last_name: Some(last.clone()),
            preferred_name: rng.random_bool(0.1).then(|| first.chars().take(3).collect()),
            date_of_birth: Some(dob.to_string()),
            gender: Some(
                if rng.random_bool(0.03) {
                    Gender::NonBinary
                } else if female {
                    Gender::Female
                } else {
                    Gender::Male
                }
                .code()
                .into(),
            ),
            ethnicity: code(&mut rng, Ethnicity::ALL, Ethnicity::code),
            main_language: Some(pick(&mut rng, LANGUAGES).to_string()),
            interpreter_needed: rng.random_bool(0.05),
            address_line1: Some(format!("{} {}", rng.random_range(1..240), pick(&mut rng, STREETS))),
            address_line2: None,
            town: Some(town.to_string()),
            postcode: Some(pc),
            phone: Some(format!("07700 900{:03}", rng.random_range(0..1000))),
            email: rng.random_bool(0.5).then(|| {
                format!("{}.{}@example.org", first.to_lowercase(), last.to_lowercase().replace([' ', '\''], ""))
            }),
            preferred_contact: code(
                &mut rng,
                if young { &[ContactMethod::ViaSchool, ContactMethod::Phone][..] } else { ContactMethod::ALL },
                ContactMethod::code,
            ),
            gp_practice: Some(pick(&mut rng, GPS).to_string()),
            nhs_number: rng.random_bool(0.4).then(|| nhs_number(&mut rng)),
            date_first_identified: Some(identified.to_string()),
            referral_source: code(
                &mut rng,
                if young {
                    &[ReferralSource::School, ReferralSource::SocialCare, ReferralSource::FamilyFriend][..]
                } else {
                    ReferralSource::ALL
                },
                ReferralSource::code,
            ),
            // Adults who did not consent to being registered were given information and
            // signposted only (no random draw, so the rest of the made-up data stays the same).
            referral_outcome: Some(if !consent && !young { "signposted" } else { "accepted" }.to_string()),
            referrer_name: None,
            how_heard: rng.random_bool(0.3).then(|| {
                pick(
                    &mut rng,
                    &[
                        "Leaflet at the GP surgery",
                        "A friend told me",
                        "School assembly",
                        "Hospital discharge team",
                        "Council website",
                    ],
                )
                .to_string()
            }),
            consent_given: consent,
            consent_date: consent.then(|| identified.to_string()),
            consent_recorded_by: consent.then(|| "Demo Worker".to_string()),
            consent_share_gp: consent && rng.random_bool(0.6),
            consent_share_school: consent && young,
            consent_share_adult_services: consent && rng.random_bool(0.3),
            employment_status: Some(
                if young {
                    Employment::Education
                } else if real_age >= 66 {
                    Employment::Retired
                } else {
                    *pick(&mut rng, Employment::ALL)
                }
                .code()
                .into(),
            ),
            disability: code(&mut rng, Disability::ALL, Disability::code),
            parent_carer: !young && real_age < 60 && rng.random_bool(0.12),
        };
        let details = carers::check(&details, today).map_err(|e| match e {
            Error::Validation(v) => Error::Conflict(format!("demo data made an invalid carer: {v:?}")),
            other => other,
        })?;
        let carer_id = batch.add(&details, by, &now)?;
        counts.carers_created += 1;
        if real_age < carers::SCHOOL_UNDER {
            let primary = match crate::schools::year_group_for(dob, today) {
                Some(y) => crate::choices::YearGroup::ALL.iter().position(|&v| v == y).is_some_and(|i| i <= 6),
                None => real_age < 11,
            };
            let school = pick(&mut rng, if primary { PRIMARY_SCHOOLS } else { SECONDARY_SCHOOLS });
            crate::schools::demo_link(tx, carer_id, school, dob, today, &now)?;
            demo_adjustments(tx, &mut rng, carer_id, identified, today, &now)?;
        }
        if (14..=25).contains(&real_age) {
            demo_milestones(tx, &mut rng, carer_id, dob, identified, today, &now)?;
        }

        let links = match rng.random_range(0..10) {
            0..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        for i in 0..links {
            let (person_id, relationship) = match (&household, share_household && i == 0) {
                (Some((pid, _, p_age)), true) => (*pid, relationship_by_age(real_age as i64, *p_age)),
                _ => {
                    let relationship = if young {
                        *pick(&mut rng, &[Relationship::Parent, Relationship::Sibling, Relationship::Grandparent][..])
                    } else {
                        *pick(&mut rng, Relationship::ALL)
                    };
                    let p_names = if rng.random_bool(0.5) { FIRST_F } else { FIRST_M };
                    let p_first = *pick(&mut rng, p_names);
                    let same_family = !matches!(relationship, Relationship::FriendNeighbour | Relationship::Other);
                    let p_last = if same_family { last.clone() } else { pick(&mut rng, LAST).to_string() };
                    let p_age: i64 = match relationship {
                        Relationship::Parent => (real_age as i64 + rng.random_range(20..40)).min(100),
                        Relationship::Grandparent => (real_age as i64 + rng.random_range(45..65)).min(102),
                        Relationship::Child | Relationship::Grandchild => {
                            rng.random_range(2..(real_age as i64 - 14).max(3))
                        }
                        Relationship::Sibling => (real_age as i64 + rng.random_range(-6..7)).max(1),
                        Relationship::SpousePartner => (real_age as i64 + rng.random_range(-8..9)).max(18),
                        _ => rng.random_range(18..95),
                    };
                    let known_dob = rng.random_bool(0.8);
                    let p_dob = today - Days::new((p_age * 365 + rng.random_range(0..360)) as u64);
                    let pid = next_person;
                    next_person += 1;
                    person_stmt.execute(rusqlite::params![
                        pid,
                        p_first,
                        p_last,
                        known_dob.then(|| p_dob.to_string()),
                        (!known_dob).then_some(p_age),
                        (!known_dob).then(|| today.to_string()),
                        rng.random_bool(0.3).then_some("Prefers visits in the morning. Uses a walking frame indoors."),
                        now
                    ])?;
                    for _ in 0..rng.random_range(1..3) {
                        let condition = match p_age {
                            0..=17 => *pick(
                                &mut rng,
                                &[
                                    Condition::Autism,
                                    Condition::LearningDisability,
                                    Condition::PhysicalDisability,
                                    Condition::LongTermCondition,
                                ][..],
                            ),
                            75.. => *pick(
                                &mut rng,
                                &[
                                    Condition::Dementia,
                                    Condition::Frailty,
                                    Condition::LongTermCondition,
                                    Condition::EndOfLife,
                                ][..],
                            ),
                            _ => *pick(&mut rng, Condition::ALL),
                        };
                        cond_stmt.execute(rusqlite::params![pid, condition])?;
                    }
                    counts.cared_for_created += 1;
                    household = Some((pid, p_last.clone(), p_age));
                    (pid, relationship)
                }
            };
            let since = date_between(&mut rng, dob.max(today - Days::new(15 * 365)), today);
            // Children's caring is usually counted in fewer hours; the youngest fewest of all.
            let hours = match real_age {
                0..=11 => *pick(&mut rng, &[HoursBand::UpTo9, HoursBand::UpTo9, HoursBand::From10To19][..]),
                12..=17 => *pick(&mut rng, &HoursBand::ALL[..3]),
                _ => *pick(&mut rng, HoursBand::ALL),
            };
            link_stmt.execute(rusqlite::params![
                carer_id,
                person_id,
                relationship,
                rng.random_bool(0.6),
                hours,
                since.to_string(),
                now
            ])?;
            let link_id = tx.last_insert_rowid();
            for _ in 0..rng.random_range(1..4) {
                let kind =
                    if young && rng.random_bool(0.3) { CareKind::Sibling } else { *pick(&mut rng, CareKind::ALL) };
                kind_stmt.execute(rusqlite::params![link_id, kind])?;
            }
        }

        for _ in 0..rng.random_range(0..5) {
            let date = date_between(&mut rng, identified, today);
            let kind = if young {
                *pick(&mut rng, &[NoteKind::InSchool, NoteKind::Phone, NoteKind::Meeting][..])
            } else {
                *pick(&mut rng, NoteKind::ALL)
            };
            note_stmt.execute(rusqlite::params![
                carer_id,
                date.to_string(),
                kind,
                "Demo Worker",
                pick(&mut rng, NOTE_TEXTS),
                now
            ])?;
            counts.notes_created += 1;
        }
    }
    batch.finish()?;
    Ok(counts)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadArgs {
    /// How many carers to add (1 to 1,000,000).
    pub carers: u32,
    /// The same seed always gives the same people.
    #[serde(default)]
    pub seed: u64,
}

pub fn load(ctx: &mut Ctx<'_>, args: LoadArgs) -> Result<DemoCounts> {
    if !(1..=1_000_000).contains(&args.carers) {
        return Err(Error::field("carers", "choose between 1 and 1,000,000 carers"));
    }
    generate_with_plans(ctx, args.carers, args.seed)
}

/// [`generate`], then agreed support plans for some of the new carers ([`plans`]).
pub fn generate_with_plans(ctx: &mut Ctx<'_>, n: u32, seed: u64) -> Result<DemoCounts> {
    let before: i64 = ctx.tx.query_row("SELECT COALESCE(MAX(id), 0) FROM carers", [], |r| r.get(0))?;
    let mut counts = generate(ctx, n, seed)?;
    counts.plans_created = plans(ctx, before, seed)?;
    counts.passports_created = passports(ctx, before, seed)?;
    counts.assessments_created = assessments(ctx, before, seed)?;
    Ok(counts)
}

/// Demo support plans made through the plan commands per load; the rest copy one of them
/// ([`scale`]), so a big load stays quick.
const PLAN_TEMPLATES: usize = 120;

const DEMO_ACTIONS: &[(&str, &str, &str)] = &[
    ("benefits_check", "Carer's Allowance and benefits check", "Welfare rights adviser"),
    ("short_breaks", "Four hours of sitting service a week so I can go swimming", "Sitting service"),
    ("gp_registration_health_check", "Register as a carer with the GP and book a health check", "Carer"),
    ("emergency_plan", "Write down the emergency plan and share it with my sister", "Support worker"),
    ("peer_support_group", "Try the Tuesday carers' group", "Carer"),
    ("counselling", "Referral for six counselling sessions", "Support worker"),
];

/// Agreed support plans for about one in three of the open adult carers just added, started
/// between 14 months and 2 weeks ago, so the home screen has reviews due, reviews overdue and
/// actions overdue to show.
fn plans(ctx: &mut Ctx<'_>, after_id: i64, seed: u64) -> Result<u64> {
    use crate::plans::{self, ActionInput, CreateArgs, SaveArgs};
    let today = ctx.today();
    let adult = crate::dates::iso(latest_birth_for_age(today, 18));
    let ids: Vec<i64> = ctx
        .tx
        .prepare("SELECT id FROM carers WHERE id > ?1 AND status = 'open' AND referral_outcome = 'accepted' AND date_of_birth <= ?2 ORDER BY id")?
        .query_map(rusqlite::params![after_id, adult], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_91a5);
    let mut made = 0;
    let mut templates: Vec<scale::PlanTemplate> = Vec::new();
    for id in ids.into_iter().step_by(3) {
        if templates.len() == PLAN_TEMPLATES {
            templates[rng.random_range(0..templates.len())].copy(ctx.tx, id)?;
            made += 1;
            continue;
        }
        let start = today - Days::new(rng.random_range(14..430));
        let plan = plans::create(ctx, CreateArgs { carer_id: id, assessment_id: None, light_touch: true })?;
        let actions = (0..rng.random_range(1..4))
            .map(|_| {
                let (support, what, who) = *pick(&mut rng, DEMO_ACTIONS);
                let due = start + Days::new(rng.random_range(14..120));
                let status = if due < today && rng.random_bool(0.85) { "done" } else { "planned" };
                ActionInput {
                    support: Some(support.to_string()),
                    description: Some(what.to_string()),
                    who: Some(who.to_string()),
                    due_on: Some(crate::dates::iso(due)),
                    status: Some(status.to_string()),
                    ..ActionInput::default()
                }
            })
            .collect();
        plans::save(
            ctx,
            SaveArgs {
                id: plan.id,
                start_date: Some(crate::dates::iso(start)),
                advice_given: Some(
                    "Information about Carer's Allowance, the local carers' café and the council's carers' breaks scheme."
                        .to_string(),
                ),
                outcomes: Some(vec!["I want to know where to turn if things get harder".to_string()]),
                actions: Some(actions),
                agreed_on: Some(crate::dates::iso(start)),
                agreement_method: Some(pick(&mut rng, &["in_person", "phone"][..]).to_string()),
                worker_name: Some("Demo Worker".to_string()),
                ..SaveArgs::default()
            },
        )?;
        let agreed = plans::agree(ctx, crate::args::IdArgs { id: plan.id })?;
        made += 1;
        // Most plans past their first review date have had it; one in eight is overdue.
        let first_due = crate::reviews::first_review_due(start, &crate::settings::load(ctx.tx)?);
        let reviewed_on = first_due + Days::new(rng.random_range(0..10));
        if reviewed_on < today && !rng.random_bool(0.125) {
            demo_review(ctx, &agreed, reviewed_on, &mut rng)?;
        }
        templates.push(scale::PlanTemplate::read(ctx.tx, &agreed.reference)?);
    }
    // Made-up plans are not "recently viewed" by anyone.
    ctx.touched.clear();
    Ok(made)
}

/// Demo assessments of each type made through the assessment commands per load; the rest
/// copy one of them ([`scale`]).
const ASSESSMENT_TEMPLATES: usize = 30;

/// Completed assessments for about one in four of the open carers just added, through the
/// assessment commands' own checks, dated over the last 15 months so the monitoring report
/// has assessments by type and outcome to show: carers' assessments for adults (about half
/// with eligible needs), young carers' needs assessments with the MACA-YC18 questionnaire
/// (totals spread over its bands), and transition assessments for some 16 and 17 year olds.
// Long: one seeded script through the assessment commands; the random draws must stay in this
// order, so that the same seed makes the same register.
fn assessments(ctx: &mut Ctx<'_>, after_id: i64, seed: u64) -> Result<u64> {
    use crate::assessments::{self as asm, SaveArgs, StartArgs};
    use crate::eligibility::{Outcome, WellbeingArea};
    let today = ctx.today();
    let rows: Vec<(i64, Option<String>, bool, String)> = ctx
        .tx
        .prepare(
            "SELECT id, date_of_birth, parent_carer, coalesce(preferred_name, first_name) FROM carers
             WHERE id > ?1 AND status = 'open' AND referral_outcome = 'accepted' ORDER BY id",
        )?
        .query_map([after_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xa55e_55ed);
    let mut made = 0;
    let mut templates: HashMap<&str, Vec<scale::AssessmentTemplate>> = HashMap::new();
    for (id, dob, parent, name) in rows.into_iter().skip(2).step_by(4) {
        let age = dob.as_deref().and_then(crate::dates::from_iso).and_then(|d| crate::dates::age_on(d, today));
        let Some(age) = age else { continue };
        let kind = match age {
            16..=17 if rng.random_bool(0.5) => "transition",
            0..=17 => "young_carer",
            _ if parent => "parent_carer",
            _ => "adult",
        };
        let of_kind = templates.entry(kind).or_default();
        if of_kind.len() == ASSESSMENT_TEMPLATES {
            let warning = asm::AssessmentType::from_code(kind).and_then(|k| asm::age_warning(k, &name, age));
            of_kind[rng.random_range(0..of_kind.len())].copy(ctx.tx, id, warning)?;
            made += 1;
            continue;
        }
        let assessed_on = today - Days::new(rng.random_range(1..460));
        let mut answers = serde_json::Map::new();
        let mut put = |k: &str, v: serde_json::Value| {
            answers.insert(k.to_string(), v);
        };
        match kind {
            "young_carer" => {
                for (k, v) in [
                    ("cared_for_who", "My mum"),
                    ("care_nature", "Helping with her medicines, cooking and looking after my little brother"),
                    ("care_amount", "Every morning and evening"),
                    ("family_reliance", "a_lot"),
                    ("impact_wellbeing", "Tired a lot of the time"),
                    ("impact_education", "Sometimes late for school"),
                    ("impact_development", "Misses after-school clubs"),
                    ("own_words", "I want to be able to go to football"),
                ] {
                    put(k, serde_json::json!(v));
                }
                put("tasks_excessive_or_inappropriate", serde_json::json!(rng.random_bool(0.3)));
                put("tasks_reasons", serde_json::json!("Gives injections, which is frightening"));
                put("caring_appropriate", serde_json::json!(true));
                put("involved", serde_json::json!(["young_carer", "parent"]));
                // MACA-YC18: 18 items; how many are "some of the time" or "a lot of the time".
                let some = rng.random_range(2..14u32);
                let lot = rng.random_range(0..(18 - some).min(6) + 1);
                let items: serde_json::Map<String, serde_json::Value> = (1..=18u32)
                    .map(|i| {
                        let a = if i <= lot {
                            "a_lot_of_the_time"
                        } else if i <= lot + some {
                            "some_of_the_time"
                        } else {
                            "never"
                        };
                        (i.to_string(), serde_json::json!(a))
                    })
                    .collect();
                put("maca_yc18", serde_json::Value::Object(items));
            }
            "parent_carer" => {
                for (k, v) in [
                    ("child_who", "Leo, 9, autistic"),
                    ("care_provided", "Nights, meltdowns and liaison with school"),
                    ("disabled_child_welfare", "Settled at school with a support plan"),
                    ("parent_outcomes", "A full night's sleep once a week"),
                ] {
                    put(k, serde_json::json!(v));
                }
                put("caring_appropriate", serde_json::json!(true));
                put("involved", serde_json::json!(["parent", "child"]));
                let impact = *pick(&mut rng, &["some", "significant"][..]);
                let wellbeing: serde_json::Map<String, serde_json::Value> = WellbeingArea::ALL
                    .iter()
                    .map(|a| (a.code().to_string(), serde_json::json!({"impact": impact})))
                    .collect();
                put("wellbeing", serde_json::Value::Object(wellbeing));
            }
            _ => {
                // Adult and transition: the reg 3 questions. About half have a need that stops
                // two outcomes being achieved with a significant impact (eligible).
                let eligible = rng.random_bool(0.55);
                let adult = kind == "adult";
                for (k, v) in [
                    ("cared_for_who", if adult { "My husband, who has Parkinson's" } else { "My mum, who has MS" }),
                    ("care_provided", "Personal care, meals, medication and nights"),
                    ("impact_reasoning", "Broken sleep most nights for a year"),
                    ("carer_outcomes", "A night's sleep each week and time to see friends"),
                ] {
                    put(k, serde_json::json!(v));
                }
                put("hours_band", serde_json::json!(*pick(&mut rng, &["h20_34", "h35_49", "h50_plus"][..])));
                if !adult {
                    put("likely_needs_after_18", serde_json::json!(true));
                    put("significant_benefit", serde_json::json!(true));
                    put(
                        "significant_benefit_reasons",
                        serde_json::json!("Mum's needs are growing and college starts next year"),
                    );
                    put("consent", serde_json::json!("given"));
                    put("assess_decision", serde_json::json!("assess"));
                    for k in ["able_now", "able_after_18", "willing_now", "willing_after_18", "support_would_help"] {
                        put(k, serde_json::json!(true));
                    }
                    put("work_education_now", serde_json::json!("Year 12 at sixth form; swimming club"));
                    put("work_education_after_18", serde_json::json!("College for a nursing course"));
                    put(
                        "advice_given",
                        serde_json::json!("Adult carers service, young adult carers group, student finance"),
                    );
                }
                if adult {
                    put("working_well", serde_json::json!("Our daughter visits on Sundays"));
                    put("able_to_continue", serde_json::json!(true));
                    put("willing_to_continue", serde_json::json!(true));
                    put("consent_to_assessment", serde_json::json!(true));
                }
                put("needs_from_necessary_care", serde_json::json!(true));
                put("health_deteriorating_or_at_risk", serde_json::json!(false));
                put("significant_impact_on_wellbeing", serde_json::json!(eligible));
                put(
                    "involved",
                    serde_json::json!(if adult { ["carer", "cared_for"] } else { ["young_carer", "parent"] }),
                );
                let outcomes: serde_json::Map<String, serde_json::Value> = Outcome::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let v = if eligible && i % 4 == 1 {
                            serde_json::json!({"achieved": false, "reasons": ["significant_pain_distress_anxiety"]})
                        } else {
                            serde_json::json!({"achieved": true})
                        };
                        (o.code().to_string(), v)
                    })
                    .collect();
                put("outcomes", serde_json::Value::Object(outcomes));
                let impact = if eligible { "significant" } else { "some" };
                let wellbeing: serde_json::Map<String, serde_json::Value> = WellbeingArea::ALL
                    .iter()
                    .map(|a| (a.code().to_string(), serde_json::json!({"impact": impact})))
                    .collect();
                put("wellbeing", serde_json::Value::Object(wellbeing));
            }
        }
        let started =
            asm::start(ctx, StartArgs { carer_id: id, kind: Some(kind.to_string()), confirm_age_warning: true })?;
        asm::save(
            ctx,
            SaveArgs { id: started.id, answers, needs: None, assessed_on: Some(crate::dates::iso(assessed_on)) },
        )?;
        asm::complete(ctx, crate::args::IdArgs { id: started.id })?;
        made += 1;
        templates.entry(kind).or_default().push(scale::AssessmentTemplate::read(ctx.tx, started.id)?);
    }
    ctx.touched.clear();
    Ok(made)
}

/// Demo passports of each type and history (kept, reissued, revoked) made through the
/// passport commands per load; the rest copy one of them ([`scale`]).
const PASSPORT_TEMPLATES: usize = 10;

/// Passports for about one in four of the open carers just added, through the passport
/// commands' own checks: young carer cards for the under-18s, and carer, hospital or workplace
/// passports for adults, issued over the last year (so some expire in the next 30 days); one
/// in twelve reissued as lost and one in fifteen revoked.
fn passports(ctx: &mut Ctx<'_>, after_id: i64, seed: u64) -> Result<u64> {
    use crate::passports::{self as pp, IssueArgs, ReissueArgs, RevokeArgs};
    let today = ctx.today();
    let rows: Vec<(i64, Option<String>)> = ctx
        .tx
        .prepare("SELECT id, date_of_birth FROM carers WHERE id > ?1 AND status = 'open' AND referral_outcome = 'accepted' ORDER BY id")?
        .query_map([after_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9a55_9027);
    let mut made = 0;
    let mut templates: HashMap<(&str, usize), Vec<scale::PassportTemplate>> = HashMap::new();
    for (i, (id, dob)) in rows.into_iter().skip(1).step_by(4).enumerate() {
        let dob = dob.as_deref().and_then(crate::dates::from_iso);
        let age = dob.and_then(|d| crate::dates::age_on(d, today));
        let kind = match age {
            Some(a) if a < 18 => "young_carer",
            _ => *pick(&mut rng, &["community", "community", "hospital", "workplace"][..]),
        };
        let history = if i % 12 == 5 {
            1
        } else if i % 15 == 7 {
            2
        } else {
            0
        };
        let shape = templates.entry((kind, history)).or_default();
        if shape.len() == PASSPORT_TEMPLATES {
            let until = dob.map(|d| crate::dates::iso(crate::dates::anniversary(d, carers::ADULT_AGE)));
            made += shape[rng.random_range(0..shape.len())].copy(ctx.tx, id, until.as_deref())?;
            continue;
        }
        let issued = today - Days::new(rng.random_range(0..360));
        let setting = match kind {
            "hospital" => Some(pick(&mut rng, &["Riverside General Hospital", "St Anne's Community Hospital"][..])),
            "workplace" => {
                Some(pick(&mut rng, &["Riverside Borough Council", "Northgate Retail Ltd", "Eastfield Academy"][..]))
            }
            _ => None,
        };
        let args = IssueArgs {
            carer_id: id,
            kind: kind.to_string(),
            issued_on: Some(crate::dates::iso(issued)),
            valid_until: None,
            setting: Some(setting.map(|s| s.to_string())),
            asks: None,
            cared_for_id: None,
            show_cared_for_name: None,
            emergency_contact_name: None,
            emergency_contact_relationship: None,
            emergency_contact_phone: None,
            emergency_contact_consent: None,
        };
        let Ok(p) = pp::issue(ctx, args) else { continue };
        made += 1;
        match history {
            1 => {
                pp::reissue(ctx, ReissueArgs { id: p.id, reason: "lost".into(), note: None })?;
                made += 1;
            }
            2 => {
                pp::revoke(ctx, RevokeArgs { id: p.id, reason: "No longer caring".into() })?;
            }
            _ => {}
        }
        templates.entry((kind, history)).or_default().push(scale::PassportTemplate::read(ctx.tx, p.id)?);
    }
    ctx.touched.clear();
    Ok(made)
}

/// A completed planned review of a demo plan on `date`: every outcome partly achieved, every
/// action's status kept, the updated plan agreed the same day.
fn demo_review(ctx: &mut Ctx<'_>, plan: &crate::plans::Plan, date: NaiveDate, rng: &mut ChaCha8Rng) -> Result<()> {
    use crate::plans::review::{self, ActionInput, OutcomeInput, SaveArgs, StartArgs};
    let iso = crate::dates::iso(date);
    let r = review::start(ctx, StartArgs { plan_id: plan.id, planned: true, reason: None })?;
    review::save(
        ctx,
        SaveArgs {
            id: r.id,
            review_date: Some(iso.clone()),
            outcomes: Some(
                r.outcomes
                    .iter()
                    .map(|o| OutcomeInput {
                        position: o.position,
                        progress: Some("partly_achieved".into()),
                        note: None,
                    })
                    .collect(),
            ),
            actions: Some(
                r.actions.iter().map(|a| ActionInput { key: a.key, status: a.status.clone(), note: None }).collect(),
            ),
            caring_changes: Some(pick(rng, &["No change", "Caring a little more at weekends"][..]).to_string()),
            new_assessment_needed: Some(false),
            ..SaveArgs::default()
        },
    )?;
    crate::plans::save(
        ctx,
        crate::plans::SaveArgs {
            id: r.new_plan_id,
            agreed_on: Some(iso),
            agreement_method: Some("phone".to_string()),
            ..crate::plans::SaveArgs::default()
        },
    )?;
    review::complete(ctx, crate::args::IdArgs { id: r.id })?;
    Ok(())
}
