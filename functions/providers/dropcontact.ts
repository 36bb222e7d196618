/**
 * Dropcontact enrichment (asynchronous): `find` submits the contact and returns the request id to poll;
 * `poll` reads the result once Dropcontact has processed it. Dropcontact qualifies every email it returns as
 * `<local part>@<domain>`: only a person's own (`nominative`) or catch-all address on a company domain (`pro`)
 * is a professional email, never `generic@pro` such as contact@. Pay on success: a credit is taken only when
 * a verified email is returned.
 * Docs: https://developer.dropcontact.com/en/quickstart/ (submit and fetch), email qualification:
 * https://developer.dropcontact.com/ , errors: https://developer.dropcontact.com/en/errors/ (`success: false`
 * while processing, `error: true` with a `reason` on failures, 403 when credits do not cover the request),
 * credits: https://developer.dropcontact.com/en/credits/, rate limits: https://developer.dropcontact.com/en/rate-limits/
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import {
  PermanentProviderError,
  type EmailVerdict,
  type Provider,
  type ProviderAnswer,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const DROPCONTACT_BASE_URL = 'https://api.dropcontact.com';
export const DROPCONTACT_TYPES = ['email'] as const;
export const DROPCONTACT_INPUTS: ProviderInputs = { email: [['domain'], ['company_name'], ['linkedin_url']] };

/** Dropcontact's docs ask for about half a minute before the first read. */
const DEFAULT_WAIT_SECONDS = 30;

/** "If you don't have enough credits for all the records of the request, the whole request is refused with a 403." */
const STATUSES: StatusMeanings = {
  403: { kind: 'permanent', reason: 'out of credits', refusal: 'out_of_credits' },
};

const Submitted = z.object({
  success: z.boolean(),
  error: z.nullish(z.boolean()),
  reason: z.nullish(z.string()),
  request_id: z.nullish(z.string()),
});

const Result = z.object({
  success: z.boolean(),
  error: z.nullish(z.boolean()),
  reason: z.nullish(z.string()),
  data: z.nullish(
    z.array(
      z.object({
        email: z.nullish(z.array(z.object({ email: z.string(), qualification: z.nullish(z.string()) }))),
      }),
    ),
  ),
});

const VERDICTS: Readonly<Record<string, EmailVerdict>> = {
  'nominative@pro': 'valid',
  'catch_all@pro': 'catch_all',
  // The name earlier versions of the API gave catch-all addresses.
  'non_confirm@pro': 'catch_all',
};

export function createDropcontactProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? DROPCONTACT_BASE_URL;
  const headers = { 'x-access-token': settings.apiKey };
  return {
    name: 'dropcontact',
    types: DROPCONTACT_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('dropcontact', DROPCONTACT_INPUTS, type, contact);
      const person = {
        first_name: contact.firstname,
        last_name: contact.lastname,
        ...(contact.company_name ? { company: contact.company_name } : {}),
        ...(contact.domain ? { website: contact.domain } : {}),
        ...(contact.linkedin_url ? { linkedin: contact.linkedin_url } : {}),
      };
      const response = await callProvider({
        provider: 'dropcontact',
        method: 'POST',
        url: endpoint(baseUrl, '/v1/enrich/all'),
        headers,
        body: { data: [person], siren: false, language: 'en' },
        signal,
        statusMeanings: STATUSES,
      });
      const submitted = readAnswer('dropcontact', Submitted, response.body);
      if (!submitted.success || !submitted.request_id) {
        // Its reasons are fixed sentences ("Not enough credits", "Missing data in JSON"), never contact data.
        const noCredits = /credit/i.test(submitted.reason ?? '');
        throw new PermanentProviderError(
          `dropcontact: ${noCredits ? 'out of credits' : 'the search was not accepted'}`,
          noCredits ? 'out_of_credits' : undefined,
        );
      }
      return { kind: 'pending', token: submitted.request_id, afterSeconds: DEFAULT_WAIT_SECONDS };
    },

    async poll(token, _type, { signal }): Promise<ProviderAnswer> {
      const response = await callProvider({
        provider: 'dropcontact',
        url: endpoint(baseUrl, `/v1/enrich/all/${encodeURIComponent(token)}`),
        headers,
        signal,
        statusMeanings: STATUSES,
      });
      const result = readAnswer('dropcontact', Result, response.body);
      // A failed request never turns into a result: asking again would only repeat the failure.
      if (result.error === true) throw new PermanentProviderError('dropcontact: the search failed');
      if (!result.success) {
        // "Request not ready yet, try again in 30 seconds": the wait is in the sentence.
        const seconds = Number(/(\d+)\s*sec/i.exec(result.reason ?? '')?.[1] ?? DEFAULT_WAIT_SECONDS);
        return { kind: 'pending', token, afterSeconds: seconds };
      }
      for (const { email, qualification } of result.data?.[0]?.email ?? []) {
        const verdict = VERDICTS[qualification ?? ''];
        if (verdict) return { kind: 'email', email, verdict };
      }
      return { kind: 'not_found', detail: 'no professional email' };
    },
  };
}
