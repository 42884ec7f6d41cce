//! Support plans (Care Act 2014 s25), their contingency plans, versions and reviews (s27).
//!
//! Lifecycle of one plan (a line of versions sharing a reference, `SP-000001`):
//!
//! - **draft**: made from a completed assessment (taking over its needs, determination, the
//!   carer's own outcomes and who took part), or without one for light-touch support
//!   (information and advice only). Saved as often as the window likes; only what is there is
//!   checked.
//! - **agreed**: [`agree`] checks everything s25 needs (the carer's agreement, the worker, each
//!   need's decision ...) and locks the version. From then on the plan changes only through a
//!   review ([`review`]) or a new version ([`new_version`]); old versions stay readable
//!   (`superseded`). Only the progress of its actions (status and notes) is recorded on an
//!   agreed plan between reviews.
//! - **under review**: a review is open; it works on a draft copy, the updated plan, which is
//!   agreed when the review is completed.
//! - **ended**, with a reason.
//!
//! When the next review is due is kept on the live version (`review_due`) by the core, from the
//! settings and the reviews held ([`crate::reviews`]), so the home screen's lists are one
//! indexed query.
//!
//! The files: `types` (choice lists and the records returned), `args`, `money`, `read` (a plan
//! with everything in it), `create`, `check` (a draft's content; what agreeing needs), `save`,
//! `lifecycle` (agree, new version, discard, end, action progress, review dates); `review` (s27
//! reviews), `lists` (work lists, home counts), `print` (the plan and contingency plan as PDF).

pub mod lists;
pub mod print;
pub mod review;

mod args;
mod check;
mod create;
mod lifecycle;
mod money;
mod read;
mod save;
mod types;

pub use args::{ActionInput, ActionUpdateArgs, CreateArgs, EndArgs, MoneyInput, NeedInput, SaveArgs};
pub use create::{create, default_eligibility, get, list};
pub use lifecycle::{action_update, agree, discard, end, line_review_due, new_version, recompute_review_dues};
pub use money::{money_uk, parse_money, pounds};
pub use read::{action_overdue, load};
pub use save::save;
pub use types::{
    options, ActionStatus, AgreementMethod, CaredForName, Contact, Contingency, DpFrequency, NeedEligibility, Plan,
    PlanAction, PlanEndReason, PlanNeed, PlanStatus, PlanSummary, VersionSummary, WillMeet,
};

// What the reviews and the printed plan share with the plan's own files.
use check::{agreement_check, iso};
use lifecycle::{copy_as_draft, current_agreed, make_agreed};
use read::{json_col, load_without_missing, plan_started};
