//! The fields a spreadsheet column can be imported into, the suggestions made from column
//! headers, and the suggestions made for values of choice fields (`F` → `female`).

use serde::Serialize;

use crate::choices::{
    CareKind, Choice, Condition, ContactMethod, Disability, Employment, Ethnicity, Gender, HoursBand, ReferralOutcome,
    ReferralSource, Relationship,
};

/// What kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    Date,
    /// One code from a list.
    Choice,
    /// Several codes from a list, separated by `;`, `,` or `/` in the cell.
    Choices,
    YesNo,
    Postcode,
    NhsNumber,
}

/// Whose field it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Carer,
    CaredFor,
}

/// One field a column can be mapped to.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub target: Target,
    pub kind: Kind,
    /// The choice list (`options`) for choice fields.
    pub list: Option<&'static str>,
    pub required: bool,
    /// Header texts (normalised) that suggest this field.
    #[serde(skip)]
    pub synonyms: &'static [&'static str],
}

const fn f(
    key: &'static str,
    label: &'static str,
    target: Target,
    kind: Kind,
    list: Option<&'static str>,
    required: bool,
    synonyms: &'static [&'static str],
) -> Field {
    Field { key, label, target, kind, list, required, synonyms }
}

use Kind::*;
use Target::*;

/// Every field, in the order the carer form shows them, then the cared-for person's.
pub const FIELDS: &[Field] = &[
    f("title", "Title", Carer, Text, None, false, &["title", "salutation", "honorific"]),
    f(
        "first_name",
        "First name",
        Carer,
        Text,
        None,
        true,
        &[
            "first name",
            "firstname",
            "forename",
            "forenames",
            "given name",
            "given names",
            "christian name",
            "first",
            "carer first name",
            "carer forename",
            "carers first name",
            "carers forename",
        ],
    ),
    f(
        "last_name",
        "Last name",
        Carer,
        Text,
        None,
        true,
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "second name",
            "carer surname",
            "carer last name",
            "carers surname",
            "carers last name",
        ],
    ),
    f(
        "full_name",
        "Full name (first and last)",
        Carer,
        Text,
        None,
        false,
        &[
            "name",
            "full name",
            "carer name",
            "carers name",
            "name of carer",
            "carer full name",
            "carers full name",
            "client name",
            "client",
            "young carer",
            "young carer name",
            "forename and surname",
            "first name and surname",
            "first and last name",
            "surname forename",
            "surname and forename",
        ],
    ),
    f(
        "preferred_name",
        "Preferred name",
        Carer,
        Text,
        None,
        false,
        &["preferred name", "known as", "nickname", "preferred first name"],
    ),
    f(
        "date_of_birth",
        "Date of birth",
        Carer,
        Date,
        None,
        true,
        &[
            "dob",
            "d o b",
            "date of birth",
            "birth date",
            "birthdate",
            "born",
            "carer dob",
            "carer date of birth",
            "carers dob",
            "carers date of birth",
        ],
    ),
    f("gender", "Gender", Carer, Choice, Some("gender"), false, &["gender", "sex", "gender identity"]),
    f(
        "ethnicity",
        "Ethnic group",
        Carer,
        Choice,
        Some("ethnicity"),
        false,
        &["ethnicity", "ethnic group", "ethnic origin", "ethnic background", "ethnicity code"],
    ),
    f(
        "main_language",
        "Main language",
        Carer,
        Text,
        None,
        false,
        &["main language", "language", "first language", "preferred language", "language spoken"],
    ),
    f(
        "interpreter_needed",
        "Interpreter needed",
        Carer,
        YesNo,
        None,
        false,
        &["interpreter", "interpreter needed", "interpreter required", "needs interpreter", "needs an interpreter"],
    ),
    f(
        "address_line1",
        "Address line 1",
        Carer,
        Text,
        None,
        false,
        &[
            "address",
            "address 1",
            "address line 1",
            "address1",
            "street",
            "street address",
            "house",
            "addr 1",
            "address line one",
        ],
    ),
    f(
        "address_line2",
        "Address line 2",
        Carer,
        Text,
        None,
        false,
        &["address 2", "address line 2", "address2", "locality", "district", "addr 2", "address line two"],
    ),
    f("town", "Town or city", Carer, Text, None, false, &["town", "city", "town city", "town or city", "post town"]),
    f(
        "postcode",
        "Postcode",
        Carer,
        Postcode,
        None,
        false,
        &["postcode", "post code", "postal code", "zip", "zip code", "pcode"],
    ),
    f(
        "phone",
        "Phone",
        Carer,
        Text,
        None,
        false,
        &[
            "phone",
            "telephone",
            "tel",
            "tel no",
            "mobile",
            "mobile number",
            "phone number",
            "telephone number",
            "contact number",
            "phone no",
        ],
    ),
    f("email", "Email", Carer, Text, None, false, &["email", "e mail", "email address", "e mail address"]),
    f(
        "preferred_contact",
        "Preferred contact",
        Carer,
        Choice,
        Some("contact_method"),
        false,
        &["preferred contact", "contact method", "preferred contact method", "how to contact", "contact preference"],
    ),
    f(
        "gp_practice",
        "GP practice",
        Carer,
        Text,
        None,
        false,
        &["gp", "gp practice", "gp surgery", "surgery", "doctor", "doctors", "gp name"],
    ),
    f("nhs_number", "NHS number", Carer, NhsNumber, None, false, &["nhs number", "nhs no", "nhs", "nhs num", "nhs id"]),
    f(
        "date_first_identified",
        "Date first identified",
        Carer,
        Date,
        None,
        false,
        &[
            "date first identified",
            "date identified",
            "identified",
            "referral date",
            "date referred",
            "date of referral",
            "first contact",
            "date of first contact",
            "registration date",
            "date registered",
        ],
    ),
    f(
        "referral_source",
        "Referred by",
        Carer,
        Choice,
        Some("referral_source"),
        false,
        &[
            "referral source",
            "referred by",
            "source of referral",
            "referrer type",
            "source",
            "referral route",
            "referral from",
            "referred from",
            "referral agency",
            "referring agency",
            "referral type",
        ],
    ),
    f(
        "referral_outcome",
        "Referral outcome",
        Carer,
        Choice,
        Some("referral_outcome"),
        false,
        &["referral outcome", "outcome", "outcome of referral"],
    ),
    f(
        "referrer_name",
        "Referrer's name",
        Carer,
        Text,
        None,
        false,
        &["referrer", "referrer name", "referrers name", "name of referrer"],
    ),
    f(
        "how_heard",
        "How they heard about us",
        Carer,
        Text,
        None,
        false,
        &[
            "how heard",
            "how did you hear about us",
            "heard about us",
            "how heard about us",
            "how did they hear about us",
        ],
    ),
    f(
        "consent_given",
        "Consent given",
        Carer,
        YesNo,
        None,
        false,
        &["consent", "consent given", "consented", "consent obtained"],
    ),
    f(
        "consent_date",
        "Consent date",
        Carer,
        Date,
        None,
        false,
        &["consent date", "date of consent", "date consent given", "consent given date"],
    ),
    f(
        "consent_recorded_by",
        "Consent recorded by",
        Carer,
        Text,
        None,
        false,
        &["consent recorded by", "consent taken by", "consent by"],
    ),
    f(
        "consent_share_gp",
        "May tell the GP",
        Carer,
        YesNo,
        None,
        false,
        &["share with gp", "consent share gp", "consent gp", "consent to share with gp"],
    ),
    f(
        "consent_share_school",
        "May tell the school",
        Carer,
        YesNo,
        None,
        false,
        &["share with school", "consent share school", "consent school", "consent to share with school"],
    ),
    f(
        "consent_share_adult_services",
        "May tell adult services",
        Carer,
        YesNo,
        None,
        false,
        &[
            "share with adult services",
            "consent share adult services",
            "consent adult services",
            "consent adult social care",
            "share with social care",
        ],
    ),
    f(
        "employment_status",
        "Employment",
        Carer,
        Choice,
        Some("employment"),
        false,
        &["employment", "employment status", "work status", "working status", "economic status"],
    ),
    f(
        "disability",
        "Own disability or long-term condition",
        Carer,
        Choice,
        Some("disability"),
        false,
        &["disability", "disabled", "carer disability", "own disability", "carer has disability"],
    ),
    f("parent_carer", "Parent carer", Carer, YesNo, None, false, &["parent carer", "is parent carer"]),
    f(
        "cared_for_first_name",
        "Cared-for person: first name",
        CaredFor,
        Text,
        None,
        false,
        &["cared for first name", "cared for forename", "cared for person first name", "cared for person forename"],
    ),
    f(
        "cared_for_last_name",
        "Cared-for person: last name",
        CaredFor,
        Text,
        None,
        false,
        &["cared for last name", "cared for surname", "cared for person surname", "cared for person last name"],
    ),
    f(
        "cared_for_full_name",
        "Cared-for person: full name",
        CaredFor,
        Text,
        None,
        false,
        &[
            "cared for name",
            "cared for",
            "cared for person",
            "person cared for",
            "cared for person name",
            "name of cared for",
            "name of person cared for",
            "cared for full name",
            "cared for persons name",
            "cares for",
            "caring for",
            "cared for persons full name",
        ],
    ),
    f(
        "cared_for_date_of_birth",
        "Cared-for person: date of birth",
        CaredFor,
        Date,
        None,
        false,
        &[
            "cared for dob",
            "cared for date of birth",
            "cared for person dob",
            "cared for person date of birth",
            "cared for birth date",
        ],
    ),
    f(
        "cared_for_relationship",
        "Cared-for person: relationship to the carer",
        CaredFor,
        Choice,
        Some("relationship"),
        false,
        &[
            "relationship",
            "relationship to carer",
            "cared for relationship",
            "relation",
            "relationship to cared for",
            "relationship of cared for",
        ],
    ),
    f(
        "cared_for_hours_band",
        "Hours of care a week",
        CaredFor,
        Choice,
        Some("hours_band"),
        false,
        &[
            "hours",
            "hours caring",
            "hours of care",
            "caring hours",
            "hours per week",
            "hours band",
            "hours a week",
            "hours caring per week",
            "hours of caring",
            "hrs",
            "hrs wk",
            "hrs per wk",
            "hrs per week",
            "hrs a week",
            "hrs pw",
            "hours wk",
            "hours per wk",
            "hours pw",
            "weekly hours",
            "hours of care per week",
            "hours of care a week",
            "caring hours per week",
            "caring hours a week",
            "hours caring a week",
        ],
    ),
    f(
        "cared_for_conditions",
        "Cared-for person: conditions",
        CaredFor,
        Choices,
        Some("condition"),
        false,
        &[
            "condition",
            "conditions",
            "cared for condition",
            "cared for conditions",
            "illness",
            "diagnosis",
            "cared for illness",
            "cared for diagnosis",
            "cared for persons condition",
            "cared for persons conditions",
            "condition of cared for",
            "conditions of cared for",
            "health condition",
            "health conditions",
            "medical condition",
            "medical conditions",
            "disability of cared for",
        ],
    ),
    f(
        "cared_for_lives_together",
        "Lives with the cared-for person",
        CaredFor,
        YesNo,
        None,
        false,
        &[
            "lives together",
            "lives with",
            "same household",
            "lives with cared for",
            "lives with cared for person",
            "living together",
        ],
    ),
    f(
        "cared_for_care_kinds",
        "Kinds of care given",
        CaredFor,
        Choices,
        Some("care_kind"),
        false,
        &[
            "care kinds",
            "type of care",
            "types of care",
            "kinds of care",
            "care provided",
            "caring tasks",
            "care given",
            "caring role",
        ],
    ),
];

pub fn field(key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.key == key)
}

/// Lower case, letters and digits only, single spaces (`"Post-Code:"` → `"post code"`;
/// `"Carer's D.O.B."` → `"carers d o b"`).
pub fn normalise(text: &str) -> String {
    // "Condition(s)" is "conditions".
    let text = text.replace("(s)", "s").replace("(S)", "S");
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Words that say whose a column is ("Pupil forename", "Client DOB"): a header starting with
/// one is also tried without it.
const WHOSE: &[&str] = &[
    "young carers",
    "young carer",
    "young person",
    "service user",
    "carers",
    "carer",
    "pupils",
    "pupil",
    "students",
    "student",
    "clients",
    "client",
    "yc",
];

/// The field a header suggests, if any. `taken` fields are not suggested twice.
pub fn suggest_field(header: &str, taken: &[&str]) -> Option<&'static str> {
    let h = normalise(header);
    if h.is_empty() {
        return None;
    }
    let free = |f: &&Field| !taken.contains(&f.key);
    let find = |h: &str| {
        FIELDS
            .iter()
            .filter(free)
            .find(|f| f.synonyms.contains(&h) || normalise(f.key) == h || normalise(f.label) == h)
            .map(|f| f.key)
    };
    find(&h).or_else(|| {
        let rest = WHOSE.iter().find_map(|w| h.strip_prefix(w).and_then(|r| r.strip_prefix(' ')))?;
        find(rest).filter(|k| fields_of_carer(k))
    })
}

/// A carer's own field (not the cared-for person's): what "Pupil ..." or "Client ..." names.
fn fields_of_carer(key: &str) -> bool {
    field(key).is_some_and(|f| f.target == Target::Carer)
}

/// The field a column suggests from its header and, where the header could mean more than
/// one thing, its values: "Caring for" holding "Mum", "Husband" is the relationship; holding
/// names, it is the cared-for person's name.
pub fn suggest_field_from(header: &str, values: &[&str], taken: &[&str]) -> Option<&'static str> {
    let found = suggest_field(header, taken)?;
    if found == "cared_for_full_name" && !taken.contains(&"cared_for_relationship") {
        let relationship = field("cared_for_relationship").expect("a field");
        let named: Vec<&&str> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        let relationships =
            named.iter().filter(|v| suggest_value(relationship, v).is_some_and(|c| !c.is_empty())).count();
        if !named.is_empty() && relationships * 2 > named.len() {
            return Some("cared_for_relationship");
        }
    }
    Some(found)
}

/// The list's codes and labels.
pub fn list_choices(list: &str) -> Vec<Choice> {
    match list {
        "gender" => Gender::choices(),
        "ethnicity" => Ethnicity::choices(),
        "contact_method" => ContactMethod::choices(),
        "referral_source" => ReferralSource::choices(),
        "referral_outcome" => ReferralOutcome::choices(),
        "employment" => Employment::choices(),
        "disability" => Disability::choices(),
        "relationship" => Relationship::choices(),
        "hours_band" => HoursBand::choices(),
        "condition" => Condition::choices(),
        "care_kind" => CareKind::choices(),
        _ => Vec::new(),
    }
}

/// Whether `code` is one of the list's codes (`yes`/`no` for yes-no fields).
pub fn is_code(field: &Field, code: &str) -> bool {
    match field.kind {
        YesNo => code == "yes" || code == "no",
        _ => field.list.is_some_and(|l| list_choices(l).iter().any(|c| c.code == code)),
    }
}

/// Common words people use for our codes (normalised).
// Long: a table of data (the words people use for each code), one entry a line.
fn synonyms(list: &str) -> &'static [(&'static str, &'static str)] {
    match list {
        "gender" => &[
            ("m", "male"),
            ("man", "male"),
            ("boy", "male"),
            ("f", "female"),
            ("woman", "female"),
            ("girl", "female"),
            ("nb", "non_binary"),
            ("non binary", "non_binary"),
            ("nonbinary", "non_binary"),
            ("enby", "non_binary"),
            ("other", "other"),
            ("prefer not to say", "prefer_not_to_say"),
            ("not stated", "prefer_not_to_say"),
            ("declined", "prefer_not_to_say"),
            ("pnts", "prefer_not_to_say"),
        ],
        "ethnicity" => &[
            ("white british", "white_british"),
            ("british", "white_british"),
            ("white english", "white_british"),
            ("english", "white_british"),
            ("white uk", "white_british"),
            ("white scottish", "white_british"),
            ("white welsh", "white_british"),
            ("wbri", "white_british"),
            ("irish", "white_irish"),
            ("white irish", "white_irish"),
            ("white other", "white_other"),
            ("other white", "white_other"),
            ("any other white background", "white_other"),
            ("gypsy", "white_gypsy_traveller"),
            ("traveller", "white_gypsy_traveller"),
            ("gypsy or irish traveller", "white_gypsy_traveller"),
            ("irish traveller", "white_gypsy_traveller"),
            ("white irish traveller", "white_gypsy_traveller"),
            ("white gypsy", "white_gypsy_traveller"),
            ("roma", "white_roma"),
            ("indian", "asian_indian"),
            ("asian indian", "asian_indian"),
            ("pakistani", "asian_pakistani"),
            ("asian pakistani", "asian_pakistani"),
            ("bangladeshi", "asian_bangladeshi"),
            ("asian bangladeshi", "asian_bangladeshi"),
            ("chinese", "asian_chinese"),
            ("asian chinese", "asian_chinese"),
            ("asian other", "asian_other"),
            ("other asian", "asian_other"),
            ("black african", "black_african"),
            ("african", "black_african"),
            ("black caribbean", "black_caribbean"),
            ("caribbean", "black_caribbean"),
            ("black other", "black_other"),
            ("other black", "black_other"),
            ("mixed white and asian", "mixed_white_asian"),
            ("white and asian", "mixed_white_asian"),
            ("mixed white and black african", "mixed_white_black_african"),
            ("white and black african", "mixed_white_black_african"),
            ("mixed white and black caribbean", "mixed_white_black_caribbean"),
            ("white and black caribbean", "mixed_white_black_caribbean"),
            ("mixed other", "mixed_other"),
            ("other mixed", "mixed_other"),
            ("mixed", "mixed_other"),
            ("arab", "other_arab"),
            ("other", "other_any"),
            ("any other", "other_any"),
            ("other ethnic group", "other_any"),
            ("not stated", "not_stated"),
            ("prefer not to say", "not_stated"),
            ("declined", "not_stated"),
            ("declined to say", "not_stated"),
            ("refused", "not_stated"),
            // Any other White background (ONS 2021 write-ins).
            ("polish", "white_other"),
            ("romanian", "white_other"),
            ("lithuanian", "white_other"),
            ("latvian", "white_other"),
            ("bulgarian", "white_other"),
            ("portuguese", "white_other"),
            ("italian", "white_other"),
            ("spanish", "white_other"),
            ("greek", "white_other"),
            ("albanian", "white_other"),
            ("european", "white_other"),
            ("eastern european", "white_other"),
            ("white european", "white_other"),
            ("white eastern european", "white_other"),
            ("white non british", "white_other"),
            ("white not british", "white_other"),
            ("somali", "black_african"),
            ("black somali", "black_african"),
            ("nigerian", "black_african"),
            ("black nigerian", "black_african"),
            ("ghanaian", "black_african"),
            ("black ghanaian", "black_african"),
            ("eritrean", "black_african"),
            ("sudanese", "black_african"),
            ("congolese", "black_african"),
            ("zimbabwean", "black_african"),
            ("jamaican", "black_caribbean"),
            ("black jamaican", "black_caribbean"),
            ("sri lankan", "asian_other"),
            ("asian sri lankan", "asian_other"),
            ("tamil", "asian_other"),
            ("nepali", "asian_other"),
            ("nepalese", "asian_other"),
            ("filipino", "asian_other"),
            ("asian filipino", "asian_other"),
            ("afghan", "asian_other"),
        ],
        "contact_method" => &[
            ("telephone", "phone"),
            ("phone", "phone"),
            ("call", "phone"),
            ("phone call", "phone"),
            ("mobile", "phone"),
            ("landline", "phone"),
            ("sms", "text"),
            ("text", "text"),
            ("text message", "text"),
            ("e mail", "email"),
            ("email", "email"),
            ("post", "letter"),
            ("letter", "letter"),
            ("face to face", "in_person"),
            ("in person", "in_person"),
            ("visit", "in_person"),
            ("school", "via_school"),
            ("via school", "via_school"),
            ("through school", "via_school"),
        ],
        "referral_source" => &[
            ("self", "self"),
            ("self referral", "self"),
            ("self referred", "self"),
            ("gp", "gp"),
            ("doctor", "gp"),
            ("gp surgery", "gp"),
            ("hospital", "hospital"),
            ("nhs", "hospital"),
            ("social services", "social_care"),
            ("social care", "social_care"),
            ("adult social care", "social_care"),
            ("childrens services", "social_care"),
            ("social worker", "social_care"),
            ("school", "school"),
            ("college", "school"),
            ("voluntary", "voluntary_org"),
            ("charity", "voluntary_org"),
            ("voluntary sector", "voluntary_org"),
            ("family", "family_friend"),
            ("friend", "family_friend"),
            ("family member", "family_friend"),
            ("other", "other"),
        ],
        "referral_outcome" => &[
            ("accepted", "accepted"),
            ("registered", "accepted"),
            ("registered for support", "accepted"),
            ("support", "accepted"),
            ("signposted", "signposted"),
            ("signposting", "signposted"),
            ("information only", "signposted"),
            ("information and advice", "signposted"),
        ],
        "employment" => &[
            ("full time", "full_time"),
            ("ft", "full_time"),
            ("employed full time", "full_time"),
            ("part time", "part_time"),
            ("pt", "part_time"),
            ("employed part time", "part_time"),
            ("self employed", "self_employed"),
            ("student", "education"),
            ("education", "education"),
            ("in education", "education"),
            ("training", "education"),
            ("unemployed", "unemployed"),
            ("not working", "unemployed"),
            ("not in paid work", "unemployed"),
            ("unable to work", "unable_to_work"),
            ("retired", "retired"),
            ("unknown", "not_known"),
            ("not known", "not_known"),
        ],
        "disability" => &[
            ("y", "yes"),
            ("yes", "yes"),
            ("true", "yes"),
            ("n", "no"),
            ("no", "no"),
            ("none", "no"),
            ("false", "no"),
            ("prefer not to say", "prefer_not_to_say"),
            ("not stated", "prefer_not_to_say"),
        ],
        "relationship" => &[
            ("mother", "parent"),
            ("father", "parent"),
            ("mum", "parent"),
            ("dad", "parent"),
            ("mom", "parent"),
            ("parent", "parent"),
            ("step parent", "parent"),
            ("son", "child"),
            ("daughter", "child"),
            ("child", "child"),
            ("husband", "spouse_partner"),
            ("wife", "spouse_partner"),
            ("partner", "spouse_partner"),
            ("spouse", "spouse_partner"),
            ("civil partner", "spouse_partner"),
            ("brother", "sibling"),
            ("sister", "sibling"),
            ("sibling", "sibling"),
            ("grandmother", "grandparent"),
            ("grandfather", "grandparent"),
            ("grandparent", "grandparent"),
            ("nan", "grandparent"),
            ("nana", "grandparent"),
            ("grandma", "grandparent"),
            ("grandad", "grandparent"),
            ("granddad", "grandparent"),
            ("grandson", "grandchild"),
            ("granddaughter", "grandchild"),
            ("aunt", "other_relative"),
            ("uncle", "other_relative"),
            ("cousin", "other_relative"),
            ("niece", "other_relative"),
            ("nephew", "other_relative"),
            ("relative", "other_relative"),
            ("in law", "other_relative"),
            ("friend", "friend_neighbour"),
            ("neighbour", "friend_neighbour"),
            ("neighbor", "friend_neighbour"),
        ],
        "hours_band" => &[
            ("0 9", "h0_9"),
            ("1 9", "h0_9"),
            ("up to 9", "h0_9"),
            ("less than 10", "h0_9"),
            ("under 10", "h0_9"),
            ("10 19", "h10_19"),
            ("20 34", "h20_34"),
            ("35 49", "h35_49"),
            ("50", "h50_plus"),
            ("50 plus", "h50_plus"),
            ("over 50", "h50_plus"),
            ("50 or more", "h50_plus"),
        ],
        "condition" => &[
            ("alzheimers", "dementia"),
            ("dementia", "dementia"),
            ("mh", "mental_health"),
            ("mental health", "mental_health"),
            ("mental illness", "mental_health"),
            ("physical", "physical_disability"),
            ("physical disability", "physical_disability"),
            ("ld", "learning_disability"),
            ("learning disability", "learning_disability"),
            ("learning difficulties", "learning_disability"),
            ("asd", "autism"),
            ("autistic", "autism"),
            ("autism", "autism"),
            ("asc", "autism"),
            ("ltc", "long_term_condition"),
            ("long term condition", "long_term_condition"),
            ("chronic illness", "long_term_condition"),
            ("long term illness", "long_term_condition"),
            ("drugs", "substance_misuse"),
            ("alcohol", "substance_misuse"),
            ("substance misuse", "substance_misuse"),
            ("addiction", "substance_misuse"),
            ("frail", "frailty"),
            ("frailty", "frailty"),
            ("old age", "frailty"),
            ("elderly", "frailty"),
            ("terminal", "end_of_life"),
            ("palliative", "end_of_life"),
            ("end of life", "end_of_life"),
            ("terminal illness", "end_of_life"),
            ("terminally ill", "end_of_life"),
            ("stroke", "long_term_condition"),
            ("parkinsons", "long_term_condition"),
            ("parkinsons disease", "long_term_condition"),
            ("parkinson", "long_term_condition"),
            ("cancer", "long_term_condition"),
            ("ms", "long_term_condition"),
            ("multiple sclerosis", "long_term_condition"),
            ("mnd", "long_term_condition"),
            ("motor neurone disease", "long_term_condition"),
            ("diabetes", "long_term_condition"),
            ("copd", "long_term_condition"),
            ("heart disease", "long_term_condition"),
            ("heart condition", "long_term_condition"),
            ("heart failure", "long_term_condition"),
            ("epilepsy", "long_term_condition"),
            ("arthritis", "long_term_condition"),
            ("kidney disease", "long_term_condition"),
            ("huntingtons", "long_term_condition"),
            ("depression", "mental_health"),
            ("anxiety", "mental_health"),
            ("bipolar", "mental_health"),
            ("schizophrenia", "mental_health"),
            ("psychosis", "mental_health"),
            ("eating disorder", "mental_health"),
            ("downs syndrome", "learning_disability"),
            ("down syndrome", "learning_disability"),
            ("learning difficulty", "learning_disability"),
            ("asperger", "autism"),
            ("aspergers", "autism"),
            ("autism spectrum disorder", "autism"),
            ("mobility", "physical_disability"),
            ("wheelchair user", "physical_disability"),
            ("sensory impairment", "physical_disability"),
            ("visual impairment", "physical_disability"),
            ("sight loss", "physical_disability"),
            ("hearing impairment", "physical_disability"),
            ("hearing loss", "physical_disability"),
            ("drug misuse", "substance_misuse"),
            ("alcohol misuse", "substance_misuse"),
            ("drugs and alcohol", "substance_misuse"),
            ("other", "other"),
        ],
        "care_kind" => &[
            ("personal", "personal"),
            ("personal care", "personal"),
            ("emotional", "emotional"),
            ("emotional support", "emotional"),
            ("practical", "practical"),
            ("household", "practical"),
            ("housework", "practical"),
            ("domestic", "practical"),
            ("siblings", "sibling"),
            ("sibling", "sibling"),
            ("sibling care", "sibling"),
            ("medication", "medication"),
            ("meds", "medication"),
            ("medicine", "medication"),
            ("money", "financial"),
            ("finance", "financial"),
            ("finances", "financial"),
            ("financial", "financial"),
            ("paperwork", "financial"),
            ("communication", "communication"),
            ("interpreting", "communication"),
            ("translating", "communication"),
        ],
        _ => &[],
    }
}

/// Values that say nothing is known (normalised): suggested as "leave empty".
const UNKNOWN: &[&str] = &[
    "not known",
    "unknown",
    "nk",
    "n k",
    "not recorded",
    "not given",
    "no data",
    "none recorded",
    "tbc",
    "to be confirmed",
    "n a",
    "na",
    "not applicable",
    "dont know",
    "don t know",
    "blank",
    "missing",
];

/// Our code for a value in the file, suggested from the code itself, the label (or the part
/// of it after the colon: `Indian` for "Asian or Asian British: Indian"), or common words;
/// `None` when nothing fits or more than one code would.
pub fn suggest_value(field: &Field, value: &str) -> Option<&'static str> {
    let v = normalise(value);
    if v.is_empty() {
        return None;
    }
    if field.kind == YesNo {
        return match v.as_str() {
            "y" | "yes" | "true" | "1" | "x" | "ticked" | "tick" | "checked" | "on" | "t" => Some("yes"),
            "n" | "no" | "false" | "0" | "none" | "off" | "unticked" | "not ticked" => Some("no"),
            v if UNKNOWN.contains(&v) => Some(""),
            _ => None,
        };
    }
    let list = field.list?;
    let choices = list_choices(list);
    if let Some(c) = choices.iter().find(|c| normalise(c.code) == v || normalise(c.label) == v) {
        return Some(c.code);
    }
    if let Some((_, code)) = synonyms(list).iter().find(|(s, _)| *s == v) {
        return Some(code);
    }
    let part: Vec<&Choice> =
        choices.iter().filter(|c| c.label.split_once(':').is_some_and(|(_, after)| normalise(after) == v)).collect();
    if let [one] = part.as_slice() {
        return Some(one.code);
    }
    // "White - Polish", "Asian: Sri Lankan": a background within a group not listed by name is
    // that group's "any other" (ONS 2021), "Black - Somali" the African one.
    if list == "ethnicity" {
        for (group, other) in [("white ", "white_other"), ("asian ", "asian_other"), ("mixed ", "mixed_other")] {
            if let Some(rest) = v.strip_prefix(group) {
                return suggest_value(field, rest).filter(|c| c.starts_with(&group[..group.len() - 1])).or(Some(other));
            }
        }
        if let Some(rest) = v.strip_prefix("black ") {
            return suggest_value(field, rest).filter(|c| c.starts_with("black"));
        }
    }
    // Unknown is not a refusal: "Not known" leaves the field empty (never "Prefer not to say").
    if UNKNOWN.contains(&v.as_str()) {
        return Some("");
    }
    // The start of a label ("50 or more" for "50 or more hours a week"), when only one fits.
    let starts: Vec<&Choice> = choices
        .iter()
        .filter(|c| {
            let l = normalise(c.label);
            l.starts_with(&v) && l[v.len()..].starts_with(' ')
        })
        .collect();
    match starts.as_slice() {
        [one] if v.len() >= 3 => Some(one.code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_suggest_fields() {
        let table = [
            ("First Name", Some("first_name")),
            ("Forename", Some("first_name")),
            ("Surname", Some("last_name")),
            ("DOB", Some("date_of_birth")),
            ("D.O.B.", Some("date_of_birth")),
            ("Date of Birth", Some("date_of_birth")),
            ("Post Code", Some("postcode")),
            ("NHS No", Some("nhs_number")),
            ("NHS No.", Some("nhs_number")),
            ("Sex", Some("gender")),
            ("Ethnic group", Some("ethnicity")),
            ("Cared for name", Some("cared_for_full_name")),
            ("Cared-for DOB", Some("cared_for_date_of_birth")),
            ("Carer's Surname", Some("last_name")),
            ("Favourite colour", None),
            // Headers seen in real files.
            ("Pupil forename", Some("first_name")),
            ("Pupil surname", Some("last_name")),
            ("Pupil DOB", Some("date_of_birth")),
            ("Client Post Code", Some("postcode")),
            ("NAME", Some("full_name")),
            ("Referral From", Some("referral_source")),
            ("Condition(s)", Some("cared_for_conditions")),
            ("Hrs/wk", Some("cared_for_hours_band")),
            ("Caring for", Some("cared_for_full_name")),
            // "Pupil ..." is the pupil's own field, never the cared-for person's.
            ("Pupil cared for", None),
        ];
        for (header, want) in table {
            assert_eq!(suggest_field(header, &[]), want, "{header}");
        }
        assert_eq!(suggest_field("Surname", &["last_name"]), None);
    }

    #[test]
    fn caring_for_is_the_relationship_when_its_values_are_relationships() {
        assert_eq!(
            suggest_field_from("Caring for", &["Mum", "Husband", "", "Son"], &[]),
            Some("cared_for_relationship")
        );
        assert_eq!(
            suggest_field_from("Caring for", &["Ray Brown", "Mum", "Ann Lee"], &[]),
            Some("cared_for_full_name")
        );
        assert_eq!(
            suggest_field_from("Caring for", &["Mum"], &["cared_for_relationship"]),
            Some("cared_for_full_name"),
            "the relationship has its own column already"
        );
    }

    #[test]
    fn common_values_and_unknowns() {
        let e = field("ethnicity").unwrap();
        let c = field("cared_for_conditions").unwrap();
        let table = [
            (e, "White - Polish", Some("white_other")),
            (e, "White: Irish", Some("white_irish")),
            (e, "White - British", Some("white_british")),
            (e, "Black - Somali", Some("black_african")),
            (e, "Asian - Sri Lankan", Some("asian_other")),
            (e, "Mixed - other", Some("mixed_other")),
            // Unknown is not a refusal.
            (e, "Not known", Some("")),
            (e, "Unknown", Some("")),
            (e, "Declined", Some("not_stated")),
            (c, "Stroke", Some("long_term_condition")),
            (c, "Parkinson's", Some("long_term_condition")),
            (c, "Cancer", Some("long_term_condition")),
            (c, "Alzheimer's", Some("dementia")),
            (field("gender").unwrap(), "Not known", Some("")),
            (field("interpreter_needed").unwrap(), "Unknown", Some("")),
            (field("employment_status").unwrap(), "Not known", Some("not_known")),
        ];
        for (f, value, want) in table {
            assert_eq!(suggest_value(f, value), want, "{} {value}", f.key);
        }
    }

    #[test]
    fn values_suggest_codes() {
        let g = field("gender").unwrap();
        assert_eq!(suggest_value(g, "F"), Some("female"));
        assert_eq!(suggest_value(g, "m"), Some("male"));
        assert_eq!(suggest_value(g, "Non-binary"), Some("non_binary"));
        let e = field("ethnicity").unwrap();
        assert_eq!(suggest_value(e, "White British"), Some("white_british"));
        assert_eq!(suggest_value(e, "Indian"), Some("asian_indian"));
        assert_eq!(suggest_value(e, "white_irish"), Some("white_irish"));
        let h = field("cared_for_hours_band").unwrap();
        assert_eq!(suggest_value(h, "50+"), Some("h50_plus"));
        assert_eq!(suggest_value(h, "20-34"), Some("h20_34"));
        assert_eq!(suggest_value(h, "10 to 19 hours a week"), Some("h10_19"));
        let y = field("consent_given").unwrap();
        assert_eq!(suggest_value(y, "Y"), Some("yes"));
        assert_eq!(suggest_value(y, "maybe"), None);
        let r = field("cared_for_relationship").unwrap();
        assert_eq!(suggest_value(r, "Mum"), Some("parent"));
    }
}
