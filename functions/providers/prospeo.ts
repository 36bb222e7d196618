/**
 * Prospeo Enrich Person: one person matched from name + company (or LinkedIn URL), with a verified work email
 * or a mobile. The `only_verified_*` switches make Prospeo answer NO_MATCH, and charge nothing, when the
 * record lacks what we asked for.
 * Docs: https://prospeo.io/api-docs/enrich-person (authentication and response codes:
 * https://prospeo.io/api-docs/authentication)
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import {
  PermanentProviderError,
  type Provider,
  type ProviderAnswer,
  type ProviderSettings,
} from './provider';

export const PROSPEO_BASE_URL = 'https://api.prospeo.io';
export const PROSPEO_TYPES = ['email', 'phone'] as const;

const Failure = z.object({ error: z.literal(true), error_code: z.string() });

const Match = z.object({
  person: z.object({
    email: z.nullish(z.object({ status: z.nullish(z.string()), email: z.nullish(z.string()) })),
    mobile: z.nullish(
      z.object({
        mobile: z.nullish(z.string()),
        mobile_international: z.nullish(z.string()),
        mobile_country_code: z.nullish(z.string()),
      }),
    ),
  }),
});

/** Error codes that mean "searched, nothing to give"; any other code is a failure of the request itself. */
const NO_DATA = new Set(['NO_MATCH']);

export function createProspeoProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? PROSPEO_BASE_URL;
  return {
    name: 'prospeo',
    types: PROSPEO_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      if (type !== 'email' && type !== 'phone') {
        throw new PermanentProviderError(`prospeo: does not search ${type}`);
      }
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
      });
      if (response.status === 400) {
        const { error_code: code } = readAnswer('prospeo', Failure, response.body);
        if (NO_DATA.has(code)) return { kind: 'not_found', detail: 'no match' };
        throw new PermanentProviderError(
          `prospeo: ${code === 'INSUFFICIENT_CREDITS' ? 'out of credits' : code}`,
        );
      }
      const { person } = readAnswer('prospeo', Match, response.body);
      if (wantsMobile) {
        const number = person.mobile?.mobile_international ?? person.mobile?.mobile;
        if (!number) return { kind: 'not_found', detail: 'no mobile revealed' };
        const country = person.mobile?.mobile_country_code;
        return { kind: 'phones', phones: [{ number, type: 'mobile', ...(country ? { country } : {}) }] };
      }
      const email = person.email?.email;
      if (!email) return { kind: 'not_found', detail: 'no email revealed' };
      return { kind: 'email', email, verdict: person.email?.status === 'VERIFIED' ? 'valid' : 'unknown' };
    },
  };
}
