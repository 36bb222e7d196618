/**
 * Every real provider and email verifier the waterfall can be configured with, by the lower-case name used in
 * `WATERFALL_CONFIG` and in key names (`HUNTER_API_KEY` gives `hunter` its key). Sandbox providers live in
 * `sandbox.ts`.
 *
 * Each entry says what the provider answers (`types`: the waterfall never asks it anything else), how fast it
 * may be called (`rateLimit`, from its docs: the comment says where), how it charges (`pricing`) and what it
 * needs to know besides the name (`inputs`). Adding a provider: its adapter file, its double's documented
 * bodies (test/integration/providers/doubles.ts) and one entry here.
 */
import type { EnrichmentType } from '../domain/enrichment/enrichment-request';
import type { ProviderFee } from '../domain/usage/scorecard';
import { CONTACTOUT_INPUTS, CONTACTOUT_TYPES, createContactOutProvider } from './contactout';
import { createDropcontactProvider, DROPCONTACT_INPUTS, DROPCONTACT_TYPES } from './dropcontact';
import { createEnrowProvider, ENROW_INPUTS, ENROW_TYPES } from './enrow';
import { createFindymailProvider, FINDYMAIL_INPUTS, FINDYMAIL_TYPES } from './findymail';
import { createHunterProvider, HUNTER_INPUTS, HUNTER_TYPES } from './hunter';
import { createHunterVerifier } from './hunter-verifier';
import { createIcypeasProvider, ICYPEAS_INPUTS, ICYPEAS_TYPES } from './icypeas';
import type { ProviderInputs } from './inputs';
import { createLeadMagicProvider, LEADMAGIC_INPUTS, LEADMAGIC_TYPES } from './leadmagic';
import { createMillionVerifierVerifier } from './millionverifier';
import {
  createPeopleDataLabsProvider,
  PEOPLE_DATA_LABS_INPUTS,
  PEOPLE_DATA_LABS_TYPES,
} from './people-data-labs';
import type { EmailVerifier, Provider } from '../domain/provider';
import type { ProviderSettings } from './provider';
import { createProspeoProvider, PROSPEO_INPUTS, PROSPEO_TYPES } from './prospeo';
import { createZeroBounceVerifier } from './zerobounce';

/** The most calls a second a provider documents for the endpoints the adapter uses (the tightest of them). */
export interface RateLimit {
  perSecond: number;
}

export interface ProviderEntry {
  types: readonly EnrichmentType[];
  rateLimit: RateLimit;
  /** How the provider charges, in one phrase. */
  pricing: string;
  /**
   * Its list price in USD per type, where we know one (the scorecard's fees); a type without one shows null fees.
   * The comment says which plan and where it was read.
   */
  fee?: Partial<Record<EnrichmentType, ProviderFee>>;
  inputs: ProviderInputs;
  create(settings: ProviderSettings): Provider;
}

export interface VerifierEntry {
  rateLimit: RateLimit;
  pricing: string;
  create(settings: ProviderSettings): EmailVerifier;
}

export const REAL_PROVIDERS: Record<string, ProviderEntry> = {
  hunter: {
    types: HUNTER_TYPES,
    // Email Finder: 15 requests/second and 500/minute (hunter.io/api-documentation/v2#rate-limit).
    rateLimit: { perSecond: 500 / 60 },
    pricing: 'charged only when found (1 credit per email)',
    // Growth plan, monthly: $149 for 10,000 credits, one a find (hunter.io/pricing, checked 2026-11-29).
    fee: { email: { usd: 149 / 10_000, per: 'find' } },
    inputs: HUNTER_INPUTS,
    create: createHunterProvider,
  },
  prospeo: {
    types: PROSPEO_TYPES,
    // Enrich endpoints, Starter and Growth plans: 5/second, 300/minute (help.prospeo.io, "API Rate Limits").
    rateLimit: { perSecond: 5 },
    pricing: 'charged only when matched (1 credit per email, 10 per mobile)',
    inputs: PROSPEO_INPUTS,
    create: createProspeoProvider,
  },
  dropcontact: {
    types: DROPCONTACT_TYPES,
    // 60 requests/second (developer.dropcontact.com/en/rate-limits/).
    rateLimit: { perSecond: 60 },
    pricing: 'charged only when a verified email is found',
    inputs: DROPCONTACT_INPUTS,
    create: createDropcontactProvider,
  },
  icypeas: {
    types: ICYPEAS_TYPES,
    // Searches 10/second, but reading results 30/minute, and every search is read at least once
    // (api-doc.icypeas.com/rate-limits).
    rateLimit: { perSecond: 30 / 60 },
    pricing: 'debited when an email is found',
    inputs: ICYPEAS_INPUTS,
    create: createIcypeasProvider,
  },
  peopledatalabs: {
    types: PEOPLE_DATA_LABS_TYPES,
    // Person Enrichment: 1,000/minute for paying customers, the only plans with contact fields (100/minute
    // free) (docs.peopledatalabs.com/docs/reference-person-enrichment-api, "Rate Limiting").
    rateLimit: { perSecond: 1000 / 60 },
    pricing: 'charged per match (1 credit)',
    inputs: PEOPLE_DATA_LABS_INPUTS,
    create: createPeopleDataLabsProvider,
  },
  contactout: {
    types: CONTACTOUT_TYPES,
    // "Other APIs: 1000 requests per minute" (api.contactout.com/#authentication).
    rateLimit: { perSecond: 1000 / 60 },
    pricing: 'charged only when found (1 phone or email credit)',
    inputs: CONTACTOUT_INPUTS,
    create: createContactOutProvider,
  },
  enrow: {
    types: ENROW_TYPES,
    // 10 requests/second on POST endpoints; reading results is not limited (Enrow API reference, Rate Limits).
    rateLimit: { perSecond: 10 },
    pricing: 'charged only when found (1 credit per email, 50 per phone)',
    inputs: ENROW_INPUTS,
    create: createEnrowProvider,
  },
  findymail: {
    types: FINDYMAIL_TYPES,
    // Findymail documents 300 simultaneous requests, not a rate (app.findymail.com/docs/): 300 calls each
    // lasting up to the provider step's 20 s call budget is 15/second.
    rateLimit: { perSecond: 300 / 20 },
    pricing: 'charged only when found (1 finder credit)',
    inputs: FINDYMAIL_INPUTS,
    create: createFindymailProvider,
  },
  leadmagic: {
    types: LEADMAGIC_TYPES,
    // Email finder and personal email finder 5,000/minute, mobile finder 25,000/minute (LeadMagic
    // plans-and-limits reference, github.com/LeadMagic/leadmagic-skills).
    rateLimit: { perSecond: 5000 / 60 },
    pricing: 'charged only when found (1 credit per email, 5 per mobile, 2 per personal email)',
    inputs: LEADMAGIC_INPUTS,
    create: createLeadMagicProvider,
  },
};

export const REAL_VERIFIERS: Record<string, VerifierEntry> = {
  hunter: {
    // Email Verifier: 10 requests/second and 300/minute (hunter.io/api-documentation/v2#rate-limit).
    rateLimit: { perSecond: 300 / 60 },
    pricing: 'charged per check, except risky and accept-all results',
    create: createHunterVerifier,
  },
  millionverifier: {
    // Not documented in the pages we could read; 10/second is our own cautious pace.
    rateLimit: { perSecond: 10 },
    pricing: 'charged per check (1 credit)',
    create: createMillionVerifierVerifier,
  },
  zerobounce: {
    // Validate: 80,000 requests per 10 seconds (zerobounce.net/docs/api-dashboard/api-rate-limits).
    rateLimit: { perSecond: 80_000 / 10 },
    pricing: 'charged per check (1 credit), unknown results free',
    create: createZeroBounceVerifier,
  },
};
