// Type declarations for KloudConsent's page API: `window.kloudconsent`, the
// decision it reports, the `kloudconsent:*` events and the site config.
// Hand-kept against www/loader.js and docs/api.md, docs/configuration.md;
// tests/e2e/types.test.mjs compiles a usage file against them and compares
// the declared API with the real object in a browser.
//
// Use from TypeScript: `/// <reference types="kloudconsent" />` (or
// `import type { KloudConsentState } from "kloudconsent"`) makes
// `window.kloudconsent`, the global `kloudconsent` and the events typed.

/**
 * A category id, as written in `data-consent` (1 to 40 of `A-Z a-z 0-9 _ -`),
 * or a service's full id `<category id>.<service id>` (`"analytics.ga"`),
 * which `accepted`, `set`, `data-consent` and `changed` take too.
 */
export type KloudConsentCategoryId = string;

/** How a decision was made. `"signal"`: Do Not Track or Global Privacy Control, nothing stored. */
export type KloudConsentMethod = "accept-all" | "reject-all" | "custom" | "signal";

/** The visitor's decision: what `kloudconsent.get()` returns and every event's `detail`. */
export interface KloudConsentState {
  /** Every category of the config, in its order, with whether it is granted. */
  categories: Record<KloudConsentCategoryId, boolean>;
  /**
   * Only when the config has services: each service by its full id
   * (`"analytics.ga"`), in config order, with whether it is granted.
   */
  services?: Record<KloudConsentCategoryId, boolean>;
  method: KloudConsentMethod;
  /** The config `revision` the decision was made under. */
  revision: number;
  /** ISO 8601 (UTC); `null` for a `"signal"` state, which is not stored. */
  decidedAt: string | null;
  /** ISO 8601 (UTC); after it the banner asks again. `null` for a `"signal"` state. */
  expiresAt: string | null;
  /** A random consent id (22 characters, derived from nothing about the visitor); `null` for a `"signal"` state. */
  id: string | null;
}

/**
 * The `detail` of `kloudconsent:change`: the state plus what changed. When a
 * decision is forgotten (`reset()`, another tab's, an expiry), the state of
 * what is in force then: required categories on, optional off, `method`
 * `null` (or `"signal"`), `decidedAt`, `expiresAt` and `id` `null`.
 */
export interface KloudConsentChange extends Omit<KloudConsentState, "method"> {
  method: KloudConsentMethod | null;
  /** The ids whose granted state differs from what was in force before. */
  changed: KloudConsentCategoryId[];
}

/** What each event's `detail` is, by short name. */
export interface KloudConsentEventDetails {
  /** Once per page, when the stored decision has been read: the state, or `null` while undecided. */
  ready: KloudConsentState | null;
  /** Every page load with a decision, and right after a first decision. */
  consent: KloudConsentState;
  /** Whenever the decision changes (also from another tab), and when it is forgotten. */
  change: KloudConsentChange;
}

export type KloudConsentEventName = keyof KloudConsentEventDetails;

/**
 * What an `on()` callback is given: the event's detail, which (when not
 * `null`) also answers as its own `.detail` (not enumerable, not in JSON), so
 * a callback written for the DOM event, `e => e.detail.changed`, works too.
 */
export type KloudConsentCallbackDetail<T> = T extends null ? null : T & { detail: T };

/** `window.kloudconsent`: defined as soon as kloudconsent.js has run. */
export interface KloudConsent {
  /** The decision in force, or `null` while undecided (and before the engine is up). A fresh object on every call. */
  get(): KloudConsentState | null;
  /** Whether category `id` is granted now. Required categories: always `true` once the engine is up (before it is, every answer is `false`: wait for `ready`); unknown ids: `false`. */
  accepted(id: KloudConsentCategoryId): boolean;
  /** Grants every category (method `"accept-all"`); closes the banner and the preference tool. */
  acceptAll(): void;
  /** Refuses every optional category (method `"reject-all"`). */
  rejectAll(): void;
  /** A `"custom"` decision; categories not named keep their value, required ones stay on. */
  set(choices: Record<KloudConsentCategoryId, boolean>): void;
  /** Opens the preference tool. */
  show(): void;
  /** Closes whatever is open without deciding. */
  hide(): void;
  /**
   * Forgets the decision (both stores) and shows the banner again. When a
   * decision was in force, `change` fires with what is in force then
   * (required on, optional off, `method` `null`); `get()` returns `null`.
   */
  reset(): void;
  /**
   * Calls `callback` on every event `name` (with or without the
   * `kloudconsent:` prefix); `ready` after it fired is still called once,
   * with the decision in force then (what `get()` returns).
   * Returns a function that unsubscribes.
   */
  on<N extends KloudConsentEventName>(
    name: N | `kloudconsent:${N}`,
    callback: (detail: KloudConsentCallbackDetail<KloudConsentEventDetails[N]>, event?: CustomEvent<KloudConsentEventDetails[N]>) => void,
  ): () => void;
  /** The widget's version, e.g. `"0.1.0"`. */
  readonly version: string;
}

// ---- the config ---------------------------------------------------------------
// The JSON a site gives the widget (inline, or by data-config). Every key is
// optional; `null` counts as not given. kloudconsent.schema.json states the
// same with every constraint (ranges, patterns), for editors.

/** A link: `https://`, `http://` or `/` (a path on this site, not `//host`), no spaces or control characters, at most 2048 bytes. */
export type KloudConsentLink = string;

export interface KloudConsentCategoryConfig {
  /** 1 to 40 of `A-Z a-z 0-9 _ -`, unique in the list. */
  id: KloudConsentCategoryId;
  /** Not blank: the accessible name of the category's switch. */
  label: string;
  description?: string | null;
  /** Always granted; the switch is locked on. Default `false`. */
  required?: boolean | null;
  providers?: string[] | null;
  /**
   * Cookie names deleted on revoke (a trailing `*` makes a prefix; a bare
   * `"*"` is refused), and rows of the cookie table.
   */
  cookies?: KloudConsentCookie[] | null;
  /** Tools inside the category, each with its own switch; the category is granted when one is. */
  services?: KloudConsentServiceConfig[] | null;
}

/** A service inside a category (docs/configuration.md, "Services"). */
export interface KloudConsentServiceConfig {
  /** 1 to 40 of `A-Z a-z 0-9 _ -`, unique in its category; pages write `<category id>.<id>`. */
  id: string;
  /** Not blank: the accessible name of the service's switch. */
  label: string;
  description?: string | null;
  /** Who runs it. */
  provider?: string | null;
  cookies?: KloudConsentCookie[] | null;
  /** Consent Mode signals that follow this service rather than its category. */
  googleConsentMode?: KloudConsentConsentModeSignal[] | null;
}

/** A cookie name (deleted on revoke), or a row of the cookie table. */
export type KloudConsentCookie = string | KloudConsentCookieRow;

/** A row of the cookie table. */
export interface KloudConsentCookieRow {
  /** The cookie's or storage item's name; a trailing `*` makes a prefix. */
  name: string;
  /** Who sets it (a service's rows: the service's provider when empty). */
  provider?: string | null;
  purpose?: string | null;
  /** How long it lasts, in words; `{days}` becomes `expiresAfterDays`. */
  duration?: string | null;
  /** Deleted on revoke; default `true` in an optional category, `false` in a required one. */
  delete?: boolean | null;
}

export type KloudConsentConsentModeSignal =
  | "ad_storage" | "ad_user_data" | "ad_personalization" | "analytics_storage"
  | "functionality_storage" | "personalization_storage" | "security_storage";

/** Consent Mode defaults for some regions (ISO 3166 codes such as `"AU"`, `"AU-NSW"`). */
export type KloudConsentRegionDefault = { region: string[] } & {
  [S in KloudConsentConsentModeSignal]?: "granted" | "denied" | null;
};

export interface KloudConsentConsentModeConfig {
  /** 0 to 60000 ms. */
  wait_for_update?: number | null;
  regions?: KloudConsentRegionDefault[] | null;
}

/** Every visible text (plain text). Titles, labels and buttons must not be blank; the three bodies (`bannerBody`, `prefsBody`, `revisionNotice`) may be empty. */
export interface KloudConsentTexts {
  bannerTitle?: string | null;
  bannerBody?: string | null;
  acceptAll?: string | null;
  rejectAll?: string | null;
  manage?: string | null;
  prefsTitle?: string | null;
  prefsBody?: string | null;
  save?: string | null;
  close?: string | null;
  alwaysOn?: string | null;
  providersLabel?: string | null;
  cookiePolicyLabel?: string | null;
  cookiePolicyUrl?: KloudConsentLink | null;
  privacyPolicyLabel?: string | null;
  privacyPolicyUrl?: KloudConsentLink | null;
  /** `{category}` becomes the category's label. */
  placeholderBody?: string | null;
  allowOnce?: string | null;
  allowAlways?: string | null;
  consentIdLabel?: string | null;
  consentDateLabel?: string | null;
  loading?: string | null;
  toolFailed?: string | null;
  partlyOn?: string | null;
  cookiesSummary?: string | null;
  cookieTableCaption?: string | null;
  cookieName?: string | null;
  cookieProvider?: string | null;
  cookiePurpose?: string | null;
  cookieDuration?: string | null;
  /** The accessible name of the floating reopen button (`reopenButton`). */
  reopenLabel?: string | null;
  /**
   * Above the banner's text when the visitor's last decision was made under
   * an older `revision`; empty: not shown.
   */
  revisionNotice?: string | null;
}

/**
 * The site's own texts in one language (`translations`): any texts, and
 * category labels and descriptions by category id.
 */
export interface KloudConsentTranslation extends KloudConsentTexts {
  categories?: Record<string, { label?: string | null; description?: string | null } | null> | null;
}

/** `reopenButton` as an object. */
export interface KloudConsentReopenButton {
  /** Default `"bottom-left"`: keep it off the page's own controls on a phone. */
  position?: "bottom-left" | "bottom-right" | "left" | "right" | null;
  /** Its accessible name (same as `texts.reopenLabel`). */
  label?: string | null;
}

/** A site's config (docs/configuration.md). */
export interface KloudConsentConfig {
  /** The schema's URL, for editors; ignored by the widget. */
  $schema?: string;
  /** 0 or more; default 1. */
  revision?: number | null;
  /** 1 to 3650; default 182. */
  expiresAfterDays?: number | null;
  /** 1 to 64, in display order; replaces the default list. */
  categories?: KloudConsentCategoryConfig[] | null;
  cookie?: { domain?: string | null } | null;
  signals?: { showBanner?: boolean | null } | null;
  googleConsentMode?: boolean | KloudConsentConsentModeConfig | null;
  receiptUrl?: KloudConsentLink | null;
  texts?: KloudConsentTexts | null;
  /**
   * `"auto"` (the page's `<html lang>`, then the browser's languages, then
   * `fallbackLanguage`), or a language tag such as `"en-AU"` (the default):
   * the language of the config's own texts.
   */
  language?: "auto" | (string & {}) | null;
  /** With `language: "auto"`: the language of the config's own texts; default `"en"`. */
  fallbackLanguage?: string | null;
  /** The site's own texts per language tag (`"de"`, `"pt-BR"`). */
  translations?: Record<string, KloudConsentTranslation | null> | null;
  dir?: "ltr" | "rtl" | null;
  theme?: "auto" | "light" | "dark" | null;
  layout?: "bar" | "box" | null;
  /** A floating button that reopens the preference tool once decided; off by default. */
  reopenButton?: boolean | KloudConsentReopenButton | null;
}

declare global {
  /** The widget's page API (also `window.kloudconsent`). */
  var kloudconsent: KloudConsent;

  interface WindowEventMap {
    "kloudconsent:ready": CustomEvent<KloudConsentState | null>;
    "kloudconsent:consent": CustomEvent<KloudConsentState>;
    "kloudconsent:change": CustomEvent<KloudConsentChange>;
  }
}
