/**
 * Prospeo Enrich Person: one person matched from name + company (or LinkedIn URL), with a verified work email
 * or a mobile. The `only_verified_*` switches make Prospeo answer NO_MATCH, and charge nothing, when the
 * record lacks what we asked for; only a field Prospeo marks `revealed: true` was actually given (and paid for).
 * Docs: https://prospeo.io/api-docs/enrich-person (error codes and credits), person object:
 * https://prospeo.io/api-docs/person-object, authentication and response codes:
 * https://prospeo.io/api-docs/authentication, rate limits and their headers:
 * https://help.prospeo.io/en/article/api-rate-limits-19vqf50
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import {
  PermanentProviderError,
  TransientProviderError,
  type ProviderAnswer,
  type ProviderRefusal,
  type Provider,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const PROSPEO_BASE_URL = 'https://api.prospeo.io';
export const PROSPEO_TYPES = ['email', 'phone'] as const;
const COMPANY_OR_PROFILE = [['domain'], ['company_name'], ['linkedin_url']] as const;
export const PROSPEO_INPUTS: ProviderInputs = { email: COMPANY_OR_PROFILE, phone: COMPANY_OR_PROFILE };

const Failure = z.object({ error: z.literal(true), error_code: z.string() });

const Match = z.object({
  person: z.object({
    email: z.nullish(
      z.object({
        status: z.nullish(z.string()),
        revealed: z.nullish(z.boolean()),
        email: z.nullish(z.string()),
      }),
    ),
    mobile: z.nullish(
      z.object({
        revealed: z.nullish(z.boolean()),
        mobile: z.nullish(z.string()),
        mobile_international: z.nullish(z.string()),
        mobile_country_code: z.nullish(z.string()),
      }),
    ),
  }),
});

/** Error codes that mean "searched, nothing to give": no match, or too little about the person to match on. */
const NO_DATA = new Set(['NO_MATCH', 'INVALID_DATAPOINTS']);

/** Error codes of a refused account, in the breaker's words. */
const REFUSALS: Readonly<Record<string, { reason: string; refusal: ProviderRefusal }>> = {
  INSUFFICIENT_CREDITS: { reason: 'out of credits', refusal: 'out_of_credits' },
  INVALID_API_KEY: { reason: 'API key rejected', refusal: 'bad_key' },
  ACCOUNT_RESTRICTED: { reason: 'account restricted', refusal: 'bad_key' },
};

export function createProspeoProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? PROSPEO_BASE_URL;
  return {
    name: 'prospeo',
    types: PROSPEO_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('prospeo', PROSPEO_INPUTS, type, contact);
      const wantsMobile = type === 'phone';
      const data = Object.fromEntries(
        Object.entries({
          first_name: contact.firstname,
          last_name: contact.lastname,
          company_website: contact.domain,
          company_name: contact.company_name,
          linkedin_url: contact.linkedin_url,
        }).filter(([, value]) => value),
      );
      const response = await callProvider({
        provider: 'prospeo',
        method: 'POST',
        url: endpoint(baseUrl, '/enrich-person'),
        headers: { 'x-key': settings.apiKey },
        body: {
          only_verified_email: !wantsMobile,
          enrich_mobile: wantsMobile,
          only_verified_mobile: wantsMobile,
          data,
        },
        signal,
        // Prospeo answers its documented error codes (NO_MATCH, INSUFFICIENT_CREDITS, …) with a 400.
        answerStatuses: [400],
        // Sent with every answer; on a 429 it is the wait before the per-minute window opens again.
        retryAfterHeaders: ['x-minute-reset-seconds'],
      });
      if (response.status === 400) {
        const { error_code: code } = readAnswer('prospeo', Failure, response.body);
        if (NO_DATA.has(code))
          return { kind: 'not_found', detail: code === 'NO_MATCH' ? 'no match' : 'too little to match on' };
        // Prospeo documents its own failures as a 400 with INTERNAL_ERROR.
        if (code === 'INTERNAL_ERROR') throw new TransientProviderError('prospeo: internal error');
        const refused = REFUSALS[code];
        throw new PermanentProviderError(`prospeo: ${refused?.reason ?? code}`, refused?.refusal);
      }
      const { person } = readAnswer('prospeo', Match, response.body);
      if (wantsMobile) {
        const mobile = person.mobile?.revealed === true ? person.mobile : undefined;
        const number = mobile?.mobile_international ?? mobile?.mobile;
        if (!number) return { kind: 'not_found', detail: 'no mobile revealed' };
        const country = mobile?.mobile_country_code;
        return { kind: 'phones', phones: [{ number, type: 'mobile', ...(country ? { country } : {}) }] };
      }
      const found = person.email?.revealed === true ? person.email : undefined;
      if (!found?.email) return { kind: 'not_found', detail: 'no email revealed' };
      return {
        kind: 'email',
        email: found.email,
        verdict: found.status === 'VERIFIED' ? 'valid' : 'unknown',
      };
    },
  };
}
