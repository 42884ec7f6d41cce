//! The support catalogue: the kinds of support a support plan's actions are chosen from, as data
//! (`support_catalogue.json`, embedded in the program so it cannot go missing). Seeded with the
//! typical support in the domain brief; an organisation's own catalogue is checked by the same
//! [`parse`].
//!
//! Each entry has a stable `code` (stored with plan actions, so never reused or renamed), the
//! `label` people read, a [`SupportGroup`] the window groups it under, and who it [`Suits`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::choices::Choice;
use crate::error::{Error, Result};
use crate::validate::{Check, TEXT_MAX};

choice_list!(
    /// The headings the support catalogue is grouped under, in the order the window shows them.
    SupportGroup, "support_group" {
    Information = "information": "Information and advice",
    Money = "money": "Money",
    Breaks = "breaks": "Breaks from caring",
    Training = "training": "Training",
    Health = "health": "Health",
    Wellbeing = "wellbeing": "Wellbeing",
    WorkEducation = "work_education": "Work and education",
    Planning = "planning": "Planning ahead",
    YoungCarers = "young_carers": "Young carers",
});

choice_list!(
    /// Which carers a kind of support is usually offered to.
    Suits, "suits" {
    All = "all": "All carers",
    Adult = "adult": "Adult carers",
    YoungCarer = "young_carer": "Young carers",
});

/// One kind of support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SupportItem {
    /// Stable: lower-case letters, digits and underscores.
    pub code: String,
    pub label: String,
    #[schemars(with = "String")]
    pub group: SupportGroup,
    #[schemars(with = "String")]
    pub suits: Suits,
}

impl SupportItem {
    /// Whether this is usually offered to a young carer (`true`) or an adult carer (`false`).
    pub fn suits_carer(&self, young_carer: bool) -> bool {
        match self.suits {
            Suits::All => true,
            Suits::Adult => !young_carer,
            Suits::YoungCarer => young_carer,
        }
    }
}

/// The whole catalogue, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Catalogue {
    pub items: Vec<SupportItem>,
}

impl Catalogue {
    /// The entry with this code.
    pub fn find(&self, code: &str) -> Option<&SupportItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// Reads a code sent for `field`, with an error naming the field.
    pub fn parse_code(&self, field: &str, code: &str) -> Result<&SupportItem> {
        self.find(code.trim()).ok_or_else(|| {
            Error::field(field, format!("choose a support from the catalogue ('{}' is not one of them)", code.trim()))
        })
    }

    /// Entries usually offered to a young carer (`true`) or an adult carer (`false`).
    pub fn for_carer(&self, young_carer: bool) -> impl Iterator<Item = &SupportItem> {
        self.items.iter().filter(move |i| i.suits_carer(young_carer))
    }

    /// The entries under each group, groups in [`SupportGroup::ALL`] order, entries in file
    /// order; groups with no entries are left out.
    pub fn grouped(&self) -> Vec<(SupportGroup, Vec<&SupportItem>)> {
        SupportGroup::ALL
            .iter()
            .map(|&g| (g, self.items.iter().filter(|i| i.group == g).collect::<Vec<_>>()))
            .filter(|(_, items)| !items.is_empty())
            .collect()
    }
}

/// The file as written, before its codes are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    items: Vec<RawItem>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    /// Blank for a new entry: a code is made from the label.
    #[serde(default)]
    pub code: String,
    pub label: String,
    /// A `support_group` code.
    pub group: String,
    /// A `suits` code.
    pub suits: String,
    /// `false` retires the entry: it stays on the actions that use it but is no longer offered.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

const SHIPPED: &str = include_str!("support_catalogue.json");

/// The catalogue shipped with the app, checked.
pub fn builtin() -> &'static Catalogue {
    static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        parse(SHIPPED).unwrap_or_else(|e| panic!("the shipped support_catalogue.json is not valid: {e:?}"))
    })
}

fn code_is_stable_form(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads a catalogue from JSON and checks it, listing every problem with its JSON path
/// (`items[3].group`):
///
/// - at least one entry;
/// - codes present, unique, lower-case letters, digits and underscores, starting with a letter;
/// - labels present, at most [`TEXT_MAX`] characters, and unique (two entries people cannot
///   tell apart are a mistake);
/// - groups and `suits` from the known lists.
pub fn parse(json: &str) -> Result<Catalogue> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let raw: RawCatalogue = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        Error::InvalidArguments {
            message: format!("the support catalogue could not be read at '{path}' ({inner}): correct the file"),
            field: (path != ".").then_some(path),
        }
    })?;

    check_items(&raw.items)
}

/// Checks a catalogue's entries (see [`parse`]).
fn check_items(raw_items: &[RawItem]) -> Result<Catalogue> {
    let mut c = Check::new("");
    if raw_items.is_empty() {
        c.fail("items", "list at least one kind of support in the catalogue");
    }
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    let mut items = Vec::with_capacity(raw_items.len());
    for (i, r) in raw_items.iter().enumerate() {
        let at = |f: &str| format!("items[{i}].{f}");
        let code = r.code.trim();
        if code.is_empty() {
            c.fail(&at("code"), "give every support a code");
        } else if !code_is_stable_form(code) {
            c.fail(
                &at("code"),
                format!(
                    "write the code '{code}' in lower-case letters, digits and underscores, starting with a letter"
                ),
            );
        } else if let Some(first) = codes.insert(code, i) {
            codes.insert(code, first);
            c.fail(
                &at("code"),
                format!("the code '{code}' is already used by items[{first}]: give each support its own code"),
            );
        }
        let label = r.label.trim();
        if label.is_empty() {
            c.fail(&at("label"), format!("give the support '{code}' a label"));
        } else if label.chars().count() > TEXT_MAX {
            c.fail(&at("label"), format!("shorten the label of '{code}' to {TEXT_MAX} characters or fewer"));
        } else if let Some(&first) = labels.get(&label.to_lowercase()) {
            c.fail(
                &at("label"),
                format!("the label '{label}' is already used by items[{first}]: make each label different"),
            );
        } else {
            labels.insert(label.to_lowercase(), i);
        }
        let group = SupportGroup::from_code(r.group.trim());
        if group.is_none() {
            c.fail(
                &at("group"),
                format!(
                    "choose the group of '{code}' from {} ('{}' is not one of them)",
                    known(SupportGroup::ALL.iter().map(|g| g.code())),
                    r.group.trim()
                ),
            );
        }
        let suits = Suits::from_code(r.suits.trim());
        if suits.is_none() {
            c.fail(
                &at("suits"),
                format!(
                    "say who '{code}' suits: {} ('{}' is not one of them)",
                    known(Suits::ALL.iter().map(|s| s.code())),
                    r.suits.trim()
                ),
            );
        }
        if let (Some(group), Some(suits)) = (group, suits) {
            items.push(SupportItem { code: code.to_string(), label: label.to_string(), group, suits });
        }
    }
    c.finish()?;
    Ok(Catalogue { items })
}

// ---------------------------------------------------------------------------------------------
// The organisation's catalogue, stored in the database.

/// One entry as stored, for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StoredItem {
    pub code: String,
    pub label: String,
    pub group: String,
    pub group_label: String,
    pub suits: String,
    pub suits_label: String,
    /// Retired entries stay on the actions that use them but are not offered for new ones.
    pub active: bool,
}

/// What `support_catalogue` returns.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CatalogueOut {
    pub items: Vec<StoredItem>,
    pub groups: Vec<Choice>,
    pub suits: Vec<Choice>,
}

/// Arguments of `support_catalogue_save`: the whole list, in the order to show it.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveArgs {
    pub items: Vec<RawItem>,
}

/// Fills the table from the shipped catalogue the first time (an empty table has never been
/// seeded: entries are retired, never deleted).
pub fn seed(conn: &rusqlite::Connection) -> Result<()> {
    let n: i64 = conn.query_row("SELECT count(*) FROM support_catalogue", [], |r| r.get(0))?;
    if n > 0 {
        return Ok(());
    }
    let mut stmt = conn.prepare(
        "INSERT INTO support_catalogue (code, label, support_group, suits, position, active) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
    )?;
    for (i, item) in builtin().items.iter().enumerate() {
        stmt.execute(rusqlite::params![item.code, item.label, item.group.code(), item.suits.code(), i as i64 + 1])?;
    }
    Ok(())
}

/// Every stored entry, in the organisation's order.
pub fn stored(conn: &rusqlite::Connection) -> Result<Vec<StoredItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, label, support_group, suits, active FROM support_catalogue ORDER BY position, code",
    )?;
    let rows = stmt.query_map([], |r| {
        let group: String = r.get(2)?;
        let suits: String = r.get(3)?;
        Ok(StoredItem {
            code: r.get(0)?,
            label: r.get(1)?,
            group_label: SupportGroup::from_code(&group)
                .map(|g| g.label().to_string())
                .unwrap_or_else(|| group.clone()),
            group,
            suits_label: Suits::from_code(&suits).map(|s| s.label().to_string()).unwrap_or_else(|| suits.clone()),
            suits,
            active: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The codes an action may use (retired ones included: they stay on old actions).
pub fn codes(conn: &rusqlite::Connection) -> Result<std::collections::BTreeSet<String>> {
    Ok(stored(conn)?.into_iter().map(|i| i.code).collect())
}

pub fn get(ctx: &mut crate::context::Ctx<'_>, _: crate::args::NoArgs) -> Result<CatalogueOut> {
    Ok(CatalogueOut { items: stored(ctx.tx)?, groups: SupportGroup::choices(), suits: Suits::choices() })
}

/// A code for a new entry, from its label: `Carers' café` → `carers_cafe`, made unique.
fn code_from_label(label: &str, taken: &std::collections::BTreeSet<String>) -> String {
    let mut base: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if !base.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        base = format!("support_{base}").trim_end_matches('_').to_string();
    }
    let mut code = base.clone();
    let mut n = 2;
    while taken.contains(&code) {
        code = format!("{base}_{n}");
        n += 1;
    }
    code
}

/// Replaces the organisation's catalogue: entries may be added (blank code), renamed,
/// regrouped, reordered and retired; none may be removed (actions keep their codes).
pub fn save(ctx: &mut crate::context::Ctx<'_>, args: SaveArgs) -> Result<CatalogueOut> {
    let before = codes(ctx.tx)?;
    let mut taken = before.clone();
    let mut items = args.items;
    for item in &mut items {
        if item.code.trim().is_empty() && !item.label.trim().is_empty() {
            item.code = code_from_label(item.label.trim(), &taken);
        }
        taken.insert(item.code.trim().to_string());
    }
    let checked = check_items(&items)?;
    let sent: std::collections::BTreeSet<&str> = items.iter().map(|i| i.code.trim()).collect();
    if let Some(missing) = before.iter().find(|c| !sent.contains(c.as_str())) {
        return Err(Error::field(
            "items",
            format!("'{missing}' cannot be removed because plans may use it: retire it instead (untick \"offered\")"),
        ));
    }
    let mut stmt = ctx.tx.prepare(
        "INSERT INTO support_catalogue (code, label, support_group, suits, position, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET label = excluded.label, support_group = excluded.support_group,
             suits = excluded.suits, position = excluded.position, active = excluded.active",
    )?;
    for (i, (item, raw)) in checked.items.iter().zip(&items).enumerate() {
        stmt.execute(rusqlite::params![
            item.code,
            item.label,
            item.group.code(),
            item.suits.code(),
            i as i64 + 1,
            raw.active
        ])?;
    }
    drop(stmt);
    get(ctx, crate::args::NoArgs {})
}

fn known<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    fn errors(json: &str) -> Vec<FieldError> {
        match parse(json).unwrap_err() {
            Error::Validation(es) => es,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn the_shipped_catalogue_is_valid_and_covers_the_domain_list() {
        let cat = builtin();
        assert_eq!(cat.items.len(), 20);
        // Every kind of support named in the domain brief, by code.
        for code in [
            "information_advice",
            "signposting_referral",
            "benefits_check",
            "financial_advice",
            "short_breaks",
            "replacement_care",
            "training_moving_handling",
            "training_condition",
            "counselling",
            "peer_support_group",
            "wellbeing_activities",
            "leisure_pass",
            "employment_education",
            "direct_payment",
            "gp_registration_health_check",
            "emergency_plan",
            "young_carers_activities",
            "young_carer_one_to_one",
            "homework_club",
            "school_liaison",
        ] {
            assert!(cat.find(code).is_some(), "{code} missing");
        }
        let short_breaks = cat.find("short_breaks").unwrap();
        assert_eq!(short_breaks.label, "Short breaks or respite (including vouchers)");
        assert_eq!((short_breaks.group, short_breaks.suits), (SupportGroup::Breaks, Suits::All));
        // Every group is used.
        assert_eq!(cat.grouped().len(), SupportGroup::ALL.len());
    }

    #[test]
    fn who_it_suits() {
        let cat = builtin();
        let young: Vec<&str> = cat.for_carer(true).map(|i| i.code.as_str()).collect();
        let adult: Vec<&str> = cat.for_carer(false).map(|i| i.code.as_str()).collect();
        // (code, offered to a young carer, offered to an adult carer)
        let table = [
            ("information_advice", true, true),
            ("counselling", true, true),
            ("emergency_plan", true, true),
            ("benefits_check", false, true),
            ("direct_payment", false, true),
            ("training_moving_handling", false, true),
            ("homework_club", true, false),
            ("school_liaison", true, false),
        ];
        for (code, to_young, to_adult) in table {
            assert_eq!(young.contains(&code), to_young, "{code} for a young carer");
            assert_eq!(adult.contains(&code), to_adult, "{code} for an adult carer");
        }
        assert!(cat
            .items
            .iter()
            .filter(|i| i.group == SupportGroup::YoungCarers)
            .all(|i| i.suits == Suits::YoungCarer));
    }

    #[test]
    fn grouped_in_the_window_order() {
        let cat = parse(
            r#"{"items": [
                {"code": "b", "label": "B", "group": "young_carers", "suits": "young_carer"},
                {"code": "a", "label": "A", "group": "information", "suits": "all"},
                {"code": "c", "label": "C", "group": "information", "suits": "adult"}
            ]}"#,
        )
        .unwrap();
        let groups: Vec<(SupportGroup, Vec<&str>)> =
            cat.grouped().into_iter().map(|(g, items)| (g, items.iter().map(|i| i.code.as_str()).collect())).collect();
        assert_eq!(groups, [(SupportGroup::Information, vec!["a", "c"]), (SupportGroup::YoungCarers, vec!["b"])]);
    }

    #[test]
    fn codes_are_read_with_errors_naming_the_field() {
        let cat = builtin();
        assert_eq!(cat.parse_code("actions[0].support", " counselling ").unwrap().label, "Counselling");
        let e = crate::ApiError::from(cat.parse_code("actions[0].support", "yoga").unwrap_err());
        assert_eq!(e.field.as_deref(), Some("actions[0].support"));
        assert_eq!(e.message, "choose a support from the catalogue ('yoga' is not one of them)");
    }

    #[test]
    fn bad_catalogues_are_refused_with_every_problem_named() {
        // (json, [(field, message)])
        let table: &[(&str, &[(&str, &str)])] = &[
            (r#"{"items": []}"#, &[("items", "list at least one kind of support in the catalogue")]),
            (
                r#"{"items": [
                    {"code": "x", "label": "X", "group": "breaks", "suits": "all"},
                    {"code": "x", "label": "Y", "group": "breaks", "suits": "all"}
                ]}"#,
                &[("items[1].code", "the code 'x' is already used by items[0]: give each support its own code")],
            ),
            (
                r#"{"items": [
                    {"code": "x", "label": "X", "group": "breaks", "suits": "all"},
                    {"code": "y", "label": "Y", "group": "breaks", "suits": "all"},
                    {"code": "x", "label": "Z", "group": "breaks", "suits": "all"},
                    {"code": "x", "label": "W", "group": "breaks", "suits": "all"}
                ]}"#,
                &[
                    ("items[2].code", "the code 'x' is already used by items[0]: give each support its own code"),
                    ("items[3].code", "the code 'x' is already used by items[0]: give each support its own code"),
                ],
            ),
            (
                r#"{"items": [{"code": "  ", "label": " ", "group": "breaks", "suits": "all"}]}"#,
                &[("items[0].code", "give every support a code"), ("items[0].label", "give the support '' a label")],
            ),
            (
                r#"{"items": [{"code": "Short Breaks", "label": "Breaks", "group": "breaks", "suits": "all"}]}"#,
                &[(
                    "items[0].code",
                    "write the code 'Short Breaks' in lower-case letters, digits and underscores, starting with a letter",
                )],
            ),
            (
                r#"{"items": [{"code": "1_to_1", "label": "1:1", "group": "young_carers", "suits": "young_carer"}]}"#,
                &[(
                    "items[0].code",
                    "write the code '1_to_1' in lower-case letters, digits and underscores, starting with a letter",
                )],
            ),
            (
                r#"{"items": [
                    {"code": "a", "label": "Counselling", "group": "health", "suits": "all"},
                    {"code": "b", "label": " counselling ", "group": "health", "suits": "all"}
                ]}"#,
                &[("items[1].label", "the label 'counselling' is already used by items[0]: make each label different")],
            ),
            (
                r#"{"items": [{"code": "a", "label": "A", "group": "fun", "suits": "everyone"}]}"#,
                &[
                    (
                        "items[0].group",
                        "choose the group of 'a' from information, money, breaks, training, health, wellbeing, \
                         work_education, planning, young_carers ('fun' is not one of them)",
                    ),
                    ("items[0].suits", "say who 'a' suits: all, adult, young_carer ('everyone' is not one of them)"),
                ],
            ),
        ];
        for (json, expected) in table {
            let got: Vec<(String, String)> = errors(json).into_iter().map(|e| (e.field, e.message)).collect();
            let expected: Vec<(String, String)> =
                expected.iter().map(|(f, m)| (f.to_string(), m.to_string())).collect();
            assert_eq!(got, expected, "{json}");
        }
        let long = format!(
            r#"{{"items": [{{"code": "a", "label": "{}", "group": "health", "suits": "all"}}]}}"#,
            "x".repeat(201)
        );
        assert_eq!(errors(&long)[0].message, "shorten the label of 'a' to 200 characters or fewer");
    }

    #[test]
    fn unreadable_files_name_the_place() {
        // (json, field)
        let table = [
            (r#"{"items": [{"code": "a", "label": "A", "group": "health"}]}"#, Some("items[0]")),
            (
                r#"{"items": [{"code": "a", "label": "A", "group": "health", "suits": "all", "x": 1}]}"#,
                Some("items[0].x"),
            ),
            (r#"{"items": [{"code": 7, "label": "A", "group": "health", "suits": "all"}]}"#, Some("items[0].code")),
            (r#"[]"#, None),
            ("not json", None),
        ];
        for (json, field) in table {
            match parse(json).unwrap_err() {
                Error::InvalidArguments { message, field: f } => {
                    assert_eq!(f.as_deref(), field, "{json}");
                    assert!(message.starts_with("the support catalogue could not be read at"), "{message}");
                    assert!(message.ends_with(": correct the file"), "{message}");
                }
                other => panic!("{json}: expected invalid_arguments, got {other:?}"),
            }
        }
    }
}
