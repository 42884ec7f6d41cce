//! The fixed lists a user picks from. Each list has stable codes (stored in the database and
//! used in the command layer) and the label people read. The window builds every select and
//! checkbox group from [`all_options`], so a list lives in one place only.

use serde::Serialize;

use crate::error::{Error, Result};

/// One choice: its stored code and the label shown to people.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// The error for a code that is not on `list`: a short list's codes are named ("choose one of
/// the listed assessment type codes: adult, young_carer, parent_carer or transition ('x' is
/// not one of them)").
pub fn not_listed<'a>(list: &str, codes: impl ExactSizeIterator<Item = &'a str>, given: &str) -> String {
    let what = list.replace('_', " ");
    let given = given.trim();
    if codes.len() > 12 {
        return format!("choose one of the listed {what} codes ('{given}' is not one of them)");
    }
    let codes: Vec<&str> = codes.collect();
    let listed = match codes.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    };
    format!("choose one of the listed {what} codes: {listed} ('{given}' is not one of them)")
}

/// The `options` entries of these lists: list name → `[{code, label}]`, for the window's
/// selects.
macro_rules! choice_lists {
    ($($t:ty),+ $(,)?) => {{
        let mut m = serde_json::Map::new();
        $( m.insert(<$t>::LIST.to_string(), serde_json::to_value(<$t>::choices()).expect("choices serialise")); )+
        m
    }};
}

macro_rules! choice_list {
    ($(#[$doc:meta])* $name:ident, $list:literal { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the window lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The name of this list in [`all_options`].
            pub const LIST: &'static str = $list;

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Reads a code typed or sent for `field`, with an error naming the field and, for
            /// a short list, its codes.
            pub fn parse(field: &str, code: &str) -> Result<Self> {
                Self::from_code(code.trim()).ok_or_else(|| {
                    Error::field(field, crate::choices::not_listed($list, Self::ALL.iter().map(|v| v.code()), code))
                })
            }

            pub fn choices() -> Vec<Choice> {
                Self::ALL.iter().map(|v| Choice { code: v.code(), label: v.label() }).collect()
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.code()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::from_code(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} code '{}' in the database", $list, s).into()))
            }
        }
    };
}

choice_list!(
    /// Gender, as people describe themselves.
    Gender, "gender" {
    Female = "female": "Female",
    Male = "male": "Male",
    NonBinary = "non_binary": "Non-binary",
    Other = "other": "Another gender",
    PreferNotToSay = "prefer_not_to_say": "Prefer not to say",
});

choice_list!(
    /// Ethnic group, ONS Census 2021 (England) categories.
    Ethnicity, "ethnicity" {
    AsianBangladeshi = "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    AsianChinese = "asian_chinese": "Asian or Asian British: Chinese",
    AsianIndian = "asian_indian": "Asian or Asian British: Indian",
    AsianPakistani = "asian_pakistani": "Asian or Asian British: Pakistani",
    AsianOther = "asian_other": "Asian or Asian British: any other Asian background",
    BlackAfrican = "black_african": "Black, Black British, Caribbean or African: African",
    BlackCaribbean = "black_caribbean": "Black, Black British, Caribbean or African: Caribbean",
    BlackOther = "black_other": "Black, Black British, Caribbean or African: any other Black background",
    MixedWhiteAsian = "mixed_white_asian": "Mixed or multiple: White and Asian",
    MixedWhiteBlackAfrican = "mixed_white_black_african": "Mixed or multiple: White and Black African",
    MixedWhiteBlackCaribbean = "mixed_white_black_caribbean": "Mixed or multiple: White and Black Caribbean",
    MixedOther = "mixed_other": "Mixed or multiple: any other Mixed or multiple background",
    WhiteBritish = "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    WhiteIrish = "white_irish": "White: Irish",
    WhiteGypsyTraveller = "white_gypsy_traveller": "White: Gypsy or Irish Traveller",
    WhiteRoma = "white_roma": "White: Roma",
    WhiteOther = "white_other": "White: any other White background",
    OtherArab = "other_arab": "Other ethnic group: Arab",
    OtherAny = "other_any": "Other ethnic group: any other ethnic group",
    NotStated = "not_stated": "Prefer not to say",
});

choice_list!(
    /// How a carer prefers to be contacted.
    ContactMethod, "contact_method" {
    Phone = "phone": "Phone call",
    Text = "text": "Text message",
    Email = "email": "Email",
    Letter = "letter": "Letter",
    InPerson = "in_person": "In person",
    ViaSchool = "via_school": "Through school",
});

choice_list!(
    /// Where a referral or first contact came from.
    ReferralSource, "referral_source" {
    SelfReferral = "self": "Self-referral",
    Gp = "gp": "GP",
    Hospital = "hospital": "Hospital",
    SocialCare = "social_care": "Social care",
    School = "school": "School",
    VoluntaryOrg = "voluntary_org": "Other voluntary organisation",
    FamilyFriend = "family_friend": "Family or friend",
    Other = "other": "Other",
});

choice_list!(
    /// What happened to a referral or contact (monitoring: accepted as a new carer, or
    /// signposted only).
    ReferralOutcome, "referral_outcome" {
    Accepted = "accepted": "Registered for support",
    Signposted = "signposted": "Information and signposting only",
});

choice_list!(
    /// The carer's own employment or education.
    Employment, "employment" {
    FullTime = "full_time": "Employed full-time",
    PartTime = "part_time": "Employed part-time",
    SelfEmployed = "self_employed": "Self-employed",
    Education = "education": "In education or training",
    Unemployed = "unemployed": "Not in paid work",
    UnableToWork = "unable_to_work": "Unable to work",
    Retired = "retired": "Retired",
    NotKnown = "not_known": "Not known",
});

choice_list!(
    /// Whether the carer has a disability or long-term condition of their own.
    Disability, "disability" {
    Yes = "yes": "Yes",
    No = "no": "No",
    PreferNotToSay = "prefer_not_to_say": "Prefer not to say",
});

choice_list!(
    /// Why a carer's record was closed.
    CloseReason, "close_reason" {
    CaringEnded = "caring_ended": "Caring ended",
    MovedAway = "moved_away": "Moved away",
    DeclinedSupport = "declined_support": "Declined support",
    CaredForDied = "cared_for_died": "The person cared for died",
    NoContact = "no_contact": "No contact",
    Other = "other": "Other",
});

choice_list!(
    /// The cared-for person's main conditions (domain brief list).
    Condition, "condition" {
    Dementia = "dementia": "Dementia",
    MentalHealth = "mental_health": "Mental health",
    PhysicalDisability = "physical_disability": "Physical disability",
    LearningDisability = "learning_disability": "Learning disability",
    Autism = "autism": "Autism",
    LongTermCondition = "long_term_condition": "Long-term condition",
    SubstanceMisuse = "substance_misuse": "Substance misuse",
    Frailty = "frailty": "Frailty",
    EndOfLife = "end_of_life": "End of life",
    Other = "other": "Other",
});

choice_list!(
    /// Who the cared-for person is to the carer ("the carer's ...").
    Relationship, "relationship" {
    Parent = "parent": "Parent",
    Child = "child": "Son or daughter",
    SpousePartner = "spouse_partner": "Husband, wife or partner",
    Sibling = "sibling": "Brother or sister",
    Grandparent = "grandparent": "Grandparent",
    Grandchild = "grandchild": "Grandchild",
    OtherRelative = "other_relative": "Other relative",
    FriendNeighbour = "friend_neighbour": "Friend or neighbour",
    Other = "other": "Other",
});

choice_list!(
    /// Hours of care a week, Census 2021 bands.
    HoursBand, "hours_band" {
    UpTo9 = "h0_9": "9 hours or less a week",
    From10To19 = "h10_19": "10 to 19 hours a week",
    From20To34 = "h20_34": "20 to 34 hours a week",
    From35To49 = "h35_49": "35 to 49 hours a week",
    From50 = "h50_plus": "50 or more hours a week",
});

choice_list!(
    /// Kinds of care given.
    CareKind, "care_kind" {
    Personal = "personal": "Personal care",
    Emotional = "emotional": "Emotional support",
    Practical = "practical": "Practical or household tasks",
    Sibling = "sibling": "Looking after brothers or sisters",
    Medication = "medication": "Medication",
    Financial = "financial": "Money and paperwork",
    Communication = "communication": "Communicating or interpreting",
});

choice_list!(
    /// Kinds of case note.
    NoteKind, "note_kind" {
    Phone = "phone": "Phone call",
    Visit = "visit": "Visit",
    Email = "email": "Email",
    Letter = "letter": "Letter",
    Meeting = "meeting": "Meeting",
    InSchool = "in_school": "In school",
});

choice_list!(
    /// Derived from age and settings, never typed.
    Category, "category" {
    YoungCarer = "young_carer": "Young carer",
    YoungAdultCarer = "young_adult_carer": "Young adult carer",
    AdultCarer = "adult_carer": "Adult carer",
});

choice_list!(
    /// Whether a carer's record is open.
    Status, "status" {
    Open = "open": "Open",
    Closed = "closed": "Closed",
});

choice_list!(
    /// A pupil's year group (England): Reception, then Years 1 to 13.
    YearGroup, "year_group" {
    Reception = "R": "Reception",
    Y1 = "1": "Year 1",
    Y2 = "2": "Year 2",
    Y3 = "3": "Year 3",
    Y4 = "4": "Year 4",
    Y5 = "5": "Year 5",
    Y6 = "6": "Year 6",
    Y7 = "7": "Year 7",
    Y8 = "8": "Year 8",
    Y9 = "9": "Year 9",
    Y10 = "10": "Year 10",
    Y11 = "11": "Year 11",
    Y12 = "12": "Year 12",
    Y13 = "13": "Year 13",
});

choice_list!(
    /// How a young carer was identified, for the DfE school census (since 2023).
    CensusCode, "census_code" {
    NotDeclared = "N": "N: not declared",
    Parent = "P": "P: identified by parent",
    School = "S": "S: identified by school",
});

choice_list!(
    /// Adjustments a school agrees for a young carer.
    AdjustmentKind, "adjustment_kind" {
    Homework = "homework": "Homework deadline flexibility",
    Phone = "phone": "Phone kept on to check on family",
    Lateness = "lateness": "Understanding of lateness",
    QuietSpace = "quiet_space": "Quiet space",
    TimeOut = "time_out": "Time out",
    TripsCosts = "trips_costs": "Help with trips and costs",
    Other = "other": "Other",
});

choice_list!(
    /// The transition to adulthood, in order (ages and months are settings).
    Milestone, "milestone" {
    Prepare = "prepare": "Preparing for adulthood",
    Offer = "offer": "Transition assessment offered",
    Assessment = "assessment": "Transition assessment completed",
    Review = "review": "Transition review",
    Handover = "handover": "Handover to the adult carers service",
    YoungAdultEnd = "young_adult_end": "Young adult carer support ends",
});

/// Every list, by name, for the window's selects and checkbox groups.
pub fn all_options() -> serde_json::Map<String, serde_json::Value> {
    choice_lists!(
        Gender,
        Ethnicity,
        ContactMethod,
        ReferralSource,
        ReferralOutcome,
        Employment,
        Disability,
        CloseReason,
        Condition,
        Relationship,
        HoursBand,
        CareKind,
        NoteKind,
        Category,
        Status,
        YearGroup,
        CensusCode,
        AdjustmentKind,
        Milestone
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique_in_every_list() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            from: fn(&str) -> Option<T>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &v in all {
                assert!(seen.insert(code(v)), "duplicate code {}", code(v));
                assert_eq!(from(code(v)), Some(v));
            }
        }
        check(Ethnicity::ALL, Ethnicity::code, Ethnicity::from_code);
        check(Condition::ALL, Condition::code, Condition::from_code);
        check(HoursBand::ALL, HoursBand::code, HoursBand::from_code);
        check(ReferralSource::ALL, ReferralSource::code, ReferralSource::from_code);
        check(ReferralOutcome::ALL, ReferralOutcome::code, ReferralOutcome::from_code);
        check(CloseReason::ALL, CloseReason::code, CloseReason::from_code);
    }

    #[test]
    fn ons_2021_has_nineteen_groups_plus_not_stated() {
        assert_eq!(Ethnicity::ALL.len(), 20);
    }

    #[test]
    fn unknown_code_names_the_field() {
        let e = HoursBand::parse("link.hours_band", "lots").unwrap_err();
        let api = crate::ApiError::from(e);
        assert_eq!(api.code, "validation");
        assert_eq!(api.field.as_deref(), Some("link.hours_band"));
        assert_eq!(
            api.message,
            "choose one of the listed hours band codes: h0_9, h10_19, h20_34, h35_49 or h50_plus ('lots' is not one of them)"
        );
    }
}
