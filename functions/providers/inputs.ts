/**
 * What a provider needs to know about a contact besides the name (first and last names are always sent): any
 * one of a few sets of contact fields per type. Each adapter declares its sets, the catalog lists them, and
 * the adapter refuses a contact without any of them before spending a call on it.
 */
import type { EnrichmentType } from '../domain/enrichment/enrichment-request';
import { PermanentProviderError, type ContactQuery } from '../domain/provider';

export type ContactInput = 'domain' | 'company_name' | 'linkedin_url';

/** Alternatives: the contact must have every field of at least one set. */
export type InputSets = readonly (readonly ContactInput[])[];

export type ProviderInputs = Readonly<Partial<Record<EnrichmentType, InputSets>>>;

const WORDS: Readonly<Record<ContactInput, string>> = {
  domain: 'a domain',
  company_name: 'a company name',
  linkedin_url: 'a LinkedIn profile URL',
};

/** `a domain or a company name`, `a domain and a LinkedIn profile URL or …`. */
export function describeInputs(sets: InputSets): string {
  return sets.map((set) => set.map((input) => WORDS[input]).join(' and ')).join(' or ');
}

export function hasInputs(contact: ContactQuery, sets: InputSets): boolean {
  return sets.some((set) => set.every((input) => Boolean(contact[input])));
}

/** Throws, naming what is missing, when the contact has none of the sets the provider needs for `type`. */
export function requireInputs(
  provider: string,
  inputs: ProviderInputs,
  type: EnrichmentType,
  contact: ContactQuery,
): void {
  const sets = inputs[type];
  if (sets && !hasInputs(contact, sets)) {
    throw new PermanentProviderError(`${provider}: needs ${describeInputs(sets)}`);
  }
}
