/**
 * Every real provider and email verifier the waterfall can be configured with, by the lower-case name used in
 * `WATERFALL_CONFIG` and in key names (`HUNTER_API_KEY` gives `hunter` its key). Sandbox providers live in
 * `sandbox.ts`.
 */
import type { EnrichmentType } from '../domain/enrichment-request';
import { CONTACTOUT_TYPES, createContactOutProvider } from './contactout';
import { createDropcontactProvider, DROPCONTACT_TYPES } from './dropcontact';
import { createHunterProvider, HUNTER_TYPES } from './hunter';
import { createHunterVerifier } from './hunter-verifier';
import { createIcypeasProvider, ICYPEAS_TYPES } from './icypeas';
import { createMillionVerifierVerifier } from './millionverifier';
import { createPeopleDataLabsProvider, PEOPLE_DATA_LABS_TYPES } from './people-data-labs';
import type { EmailVerifier, Provider, ProviderSettings } from './provider';
import { createProspeoProvider, PROSPEO_TYPES } from './prospeo';

export const REAL_PROVIDERS: Record<
  string,
  { types: readonly EnrichmentType[]; create(settings: ProviderSettings): Provider }
> = {
  hunter: { types: HUNTER_TYPES, create: createHunterProvider },
  prospeo: { types: PROSPEO_TYPES, create: createProspeoProvider },
  dropcontact: { types: DROPCONTACT_TYPES, create: createDropcontactProvider },
  icypeas: { types: ICYPEAS_TYPES, create: createIcypeasProvider },
  peopledatalabs: { types: PEOPLE_DATA_LABS_TYPES, create: createPeopleDataLabsProvider },
  contactout: { types: CONTACTOUT_TYPES, create: createContactOutProvider },
};

export const REAL_VERIFIERS: Record<string, { create(settings: ProviderSettings): EmailVerifier }> = {
  hunter: { create: createHunterVerifier },
  millionverifier: { create: createMillionVerifierVerifier },
};
