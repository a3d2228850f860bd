/**
 * Where Mailchimp's merge tags land in Tailor's render context. Audience fields present by
 * default (FNAME, LNAME, ADDRESS, PHONE per mailchimp.com/developer/marketing/docs/merge-fields/,
 * plus EMAIL and the common BIRTHDAY/COMPANY) map to the flattened profile traits; system tags
 * map to the per-recipient URLs Tailor provides.
 */
export const AUDIENCE_FIELDS: Readonly<Record<string, string>> = {
  EMAIL: 'profile.email',
  FNAME: 'profile.first_name',
  LNAME: 'profile.last_name',
  PHONE: 'profile.phone',
  ADDRESS: 'profile.address',
  BIRTHDAY: 'profile.birthday',
  COMPANY: 'profile.company',
};

/** System tags that print a value (never per-field). */
export const SYSTEM_TAGS: Readonly<Record<string, string>> = {
  UNSUB: 'unsubscribe_url',
  UPDATE_PROFILE: 'preferences_url',
  ARCHIVE: 'view_in_browser_url',
  'MC:SUBJECT': 'campaign.subject',
};

/** Mailchimp tags with no counterpart in Tailor's context: kept verbatim and reported. */
export const UNSUPPORTED_PREFIXES = ['LIST:', 'MC:', 'INTERESTED:', 'END:INTERESTED', 'FACEBOOK:', 'TWITTER:', 'RSS', 'FEED', 'REWARDS', 'FORWARD', 'MC_PREVIEW_TEXT', 'CAMPAIGN_UID', 'ABOUT_LIST', 'LIST_', 'PRODUCT', 'TRANSLATE', 'SHARE', 'POLL', 'SURVEY'];
