/**
 * Sandbox providers (README "Sandbox providers"): deterministic, keyless, instant, so anyone can predict
 * a result from the input alone.
 *  - lastname starting with `nobody`: nothing is found;
 *  - lastname starting with `flaky`: the first provider fails transiently on every attempt, the next one finds;
 *  - lastname starting with `slow`: every answer takes 2 s; the first provider finds nothing, the next one finds;
 *  - otherwise every type is found: `<firstname>.<lastname>@<domain>`, a mobile number in the first allowed
 *    country (US when any is allowed), a personal email at a consumer mail domain.
 */
import { setTimeout } from 'node:timers/promises';
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/core';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import type { EnrichmentType } from '../domain/enrichment/enrichment-request';
import { phoneMetadata } from '../domain/enrichment/phone-metadata';
import type { ProviderFee } from '../domain/usage/scorecard';
import {
  TransientProviderError,
  type ContactQuery,
  type Provider,
  type ProviderAnswer,
} from '../domain/provider';

export const SANDBOX_PROVIDERS = ['sandbox-primary', 'sandbox-secondary'] as const;

/**
 * Made-up list prices, so the provider scorecard has fees to show on the local stack: the primary bills per find,
 * the secondary per call (cheaper, whether or not it finds).
 */
export const SANDBOX_FEES: Record<(typeof SANDBOX_PROVIDERS)[number], Record<EnrichmentType, ProviderFee>> = {
  'sandbox-primary': {
    email: { usd: 0.02, per: 'find' },
    phone: { usd: 0.1, per: 'find' },
    personal_email: { usd: 0.05, per: 'find' },
  },
  'sandbox-secondary': {
    email: { usd: 0.005, per: 'call' },
    phone: { usd: 0.04, per: 'call' },
    personal_email: { usd: 0.01, per: 'call' },
  },
};

/** How long a `slow` sandbox provider takes to answer. */
export const SLOW_ANSWER_MS = 2000;

const LEGAL_SUFFIXES = /\b(inc|llc|ltd|limited|corp|corporation|co|sa|sas|sarl|gmbh|ag|bv|plc|srl|spa)\b\.?/g;

function asciiWord(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '');
}

/** The email domain: `domain` as given, else one derived from the company name (`Acme Inc.` → `acme.com`). */
export function sandboxDomain(contact: ContactQuery): string {
  if (contact.domain) return contact.domain;
  const company = (contact.company_name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  return `${company.replace(LEGAL_SUFFIXES, '').replace(/[^a-z0-9]+/g, '') || 'example'}.com`;
}

function localPart(contact: ContactQuery): string {
  return [asciiWord(contact.firstname), asciiWord(contact.lastname)].filter(Boolean).join('.') || 'contact';
}

function mobileNumberIn(countries: readonly string[] | null): string | undefined {
  const country = (countries && countries.length ? countries[0] : 'US') as CountryCode;
  return getExampleNumber(country, mobileExamples, phoneMetadata())?.number;
}

function sandboxAnswer(contact: ContactQuery, type: EnrichmentType): ProviderAnswer {
  if (type === 'email')
    return { kind: 'email', email: `${localPart(contact)}@${sandboxDomain(contact)}`, verdict: 'valid' };
  if (type === 'personal_email')
    return { kind: 'email', email: `${localPart(contact)}@gmail.com`, verdict: 'valid' };
  const number = mobileNumberIn(contact.phone_country_codes);
  return number
    ? { kind: 'phones', phones: [{ number, type: 'mobile' }] }
    : { kind: 'not_found', detail: 'no number in the allowed countries' };
}

export function createSandboxProvider(name: (typeof SANDBOX_PROVIDERS)[number]): Provider {
  const first = name === 'sandbox-primary';
  return {
    name,
    types: ['email', 'phone', 'personal_email'],
    async find(contact, type, { signal }) {
      const lastname = contact.lastname.toLowerCase();
      if (lastname.startsWith('nobody')) return { kind: 'not_found', detail: 'sandbox: nobody' };
      if (lastname.startsWith('slow')) {
        await setTimeout(SLOW_ANSWER_MS, undefined, { signal });
        if (first) return { kind: 'not_found', detail: 'sandbox: slow' };
      }
      if (lastname.startsWith('flaky') && first)
        throw new TransientProviderError('sandbox: flaky provider unavailable');
      const answer = sandboxAnswer(contact, type);
      // `catchall`: the primary answers emails as catch-all, the secondary as valid (rules name providers).
      if (lastname.startsWith('catchall') && first && answer.kind === 'email')
        return { ...answer, verdict: 'catch_all' };
      return answer;
    },
  };
}
