// @ts-check
// What is recorded about a carer, section by section: used by the form (to render inputs) and
// by the record page (to show what is filled in). Choice fields name the options() list they
// are built from; the core's list names are the field names unless said otherwise.

/**
 * @typedef {import('../kit/fields.js').FieldSpec} FieldSpec
 * @type {Array<{ id: string, title: string, hint?: string, fields: FieldSpec[] }>}
 */
export const CARER_SECTIONS = [
  {
    id: 'about',
    title: 'About the carer',
    fields: [
      { name: 'title', label: 'Title (optional)', hint: 'For example, Mrs, Mr, Ms, Dr', width: 'short' },
      { name: 'first_name', row: 'name', label: 'First name', width: 'medium' },
      { name: 'last_name', row: 'name', label: 'Last name', width: 'medium' },
      { name: 'preferred_name', label: 'Preferred name (optional)', hint: 'What they like to be called, if different', width: 'medium' },
      { name: 'date_of_birth', row: 'dob', label: 'Date of birth', type: 'date', width: 'date' },
      { name: 'gender', row: 'dob', label: 'Gender (optional)', type: 'choice', list: 'gender' },
      { name: 'ethnicity', label: 'Ethnic group (optional)', type: 'choice', list: 'ethnicity', width: 'long' },
      { name: 'main_language', label: 'Main language (optional)', width: 'medium' },
      { name: 'interpreter_needed', label: 'Needs an interpreter', type: 'bool' },
      { name: 'disability', label: 'Their own disability or long-term condition (optional)', type: 'choice', list: 'disability', width: 'long' },
      { name: 'employment_status', label: 'Work or education (optional)', type: 'choice', list: 'employment', width: 'long' },
      { name: 'parent_carer', label: 'Parent carer', type: 'bool', hint: 'Cares for a disabled child they have parental responsibility for' },
    ],
  },
  {
    id: 'contact',
    title: 'Contact',
    fields: [
      { name: 'address_line1', label: 'Address line 1 (optional)', width: 'long' },
      { name: 'address_line2', label: 'Address line 2 (optional)', width: 'long' },
      { name: 'town', row: 'town', label: 'Town or city (optional)', width: 'medium' },
      { name: 'postcode', row: 'town', label: 'Postcode (optional)', hint: 'For example, SW1A 1AA', width: 'short' },
      { name: 'phone', row: 'phone', label: 'Phone (optional)', type: 'tel', width: 'medium' },
      { name: 'email', row: 'phone', label: 'Email (optional)', type: 'email', width: 'medium' },
      { name: 'preferred_contact', label: 'Preferred way to contact them (optional)', type: 'choice', list: 'contact_method' },
    ],
  },
  {
    id: 'health',
    title: 'Health',
    fields: [
      { name: 'gp_practice', label: 'GP practice (optional)', width: 'long' },
      { name: 'nhs_number', label: 'NHS number (optional)', hint: '10 digits, for example 943 476 5919', width: 'medium', inputmode: 'numeric' },
    ],
  },
  {
    id: 'referral',
    title: 'How they came to us',
    fields: [
      { name: 'date_first_identified', label: 'Date first identified as a carer (optional)', type: 'date', width: 'date' },
      { name: 'referral_source', row: 'referral', label: 'Referred by (optional)', type: 'choice', list: 'referral_source' },
      { name: 'referral_outcome', row: 'referral', label: 'Outcome of the referral', type: 'choice', list: 'referral_outcome', blank: false, initial: 'accepted', hint: 'Registered for support, or information and signposting only' },
      { name: 'referrer_name', label: 'Referrer’s name (optional)', width: 'medium' },
      { name: 'how_heard', label: 'How they heard about us (optional)', hint: 'In their words, for example “leaflet at the GP surgery”', width: 'long' },
    ],
  },
  {
    id: 'consent',
    title: 'Consent',
    fields: [
      { name: 'consent_given', label: 'They have given consent for us to keep their information', readLabel: 'Consent given', type: 'bool' },
      { name: 'consent_date', row: 'consent', label: 'Date consent given (optional)', type: 'date', width: 'date' },
      { name: 'consent_recorded_by', row: 'consent', label: 'Consent recorded by (optional)', width: 'medium' },
      { name: 'consent_share_gp', label: 'Share with their GP', type: 'bool', group: 'share' },
      { name: 'consent_share_school', label: 'Share with their school or college', type: 'bool', group: 'share' },
      { name: 'consent_share_adult_services', label: 'Share with adult social care', type: 'bool', group: 'share' },
    ],
  },
];

export const SHARE_LEGEND = 'They agree we may share information with';

export const CARER_FIELDS = CARER_SECTIONS.flatMap((s) => s.fields);

// A young carer's school is not a field here: it is a link to a school record, made from the
// "Young carer" part of their record (young-carer.js).
