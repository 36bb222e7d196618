/**
 * Icypeas email search (asynchronous): `find` submits a single search and returns its id; `poll` reads the
 * search item until Icypeas has processed it. Credits are debited only for a found email (`DEBITED`).
 * Docs: https://api-doc.icypeas.com/how-it-works (single search, then read), reading results:
 * https://api-doc.icypeas.com/reference/get-results, item statuses: https://api-doc.icypeas.com/statuses,
 * certainties: https://api-doc.icypeas.com/certainties, rate limits: https://api-doc.icypeas.com/rate-limits
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import {
  PermanentProviderError,
  type EmailVerdict,
  type Provider,
  type ProviderAnswer,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const ICYPEAS_BASE_URL = 'https://app.icypeas.com';
export const ICYPEAS_TYPES = ['email'] as const;
export const ICYPEAS_INPUTS: ProviderInputs = { email: [['domain'], ['company_name']] };

/** Icypeas processes a single search in seconds, and asks for at least 3 s between two reads. */
const WAIT_SECONDS = 5;

const Submitted = z.object({ success: z.boolean(), item: z.nullish(z.object({ _id: z.string() })) });

const Read = z.object({
  success: z.boolean(),
  items: z.array(
    z.object({
      status: z.string(),
      results: z.nullish(
        z.object({
          emails: z.nullish(z.array(z.object({ email: z.string(), certainty: z.nullish(z.string()) }))),
        }),
      ),
    }),
  ),
});

const IN_PROGRESS = new Set(['NONE', 'SCHEDULED', 'IN_PROGRESS']);
const FOUND = new Set(['FOUND', 'DEBITED']);
const NOT_FOUND = new Set(['NOT_FOUND', 'DEBITED_NOT_FOUND']);
/** Certainties that say the address is no way to reach the person. */
const NO_EMAIL = new Set(['not_found', 'undeliverable']);

/** `ultra_sure` / `very_sure` are 99% confident; `probable` (95%) is left for the verifier to judge. */
function verdictOf(certainty: string | null | undefined): EmailVerdict {
  return certainty === 'ultra_sure' || certainty === 'very_sure' ? 'valid' : 'unknown';
}

export function createIcypeasProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? ICYPEAS_BASE_URL;
  // Icypeas wants the bare key in Authorization, with no scheme.
  const headers = { authorization: settings.apiKey };
  return {
    name: 'icypeas',
    types: ICYPEAS_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('icypeas', ICYPEAS_INPUTS, type, contact);
      const response = await callProvider({
        provider: 'icypeas',
        method: 'POST',
        url: endpoint(baseUrl, '/api/email-search'),
        headers,
        body: {
          firstname: contact.firstname,
          lastname: contact.lastname,
          domainOrCompany: contact.domain ?? contact.company_name,
        },
        signal,
      });
      const submitted = readAnswer('icypeas', Submitted, response.body);
      if (!submitted.success || !submitted.item) {
        throw new PermanentProviderError('icypeas: the search was not accepted');
      }
      return { kind: 'pending', token: submitted.item._id, afterSeconds: WAIT_SECONDS };
    },

    async poll(token, _type, { signal }): Promise<ProviderAnswer> {
      const response = await callProvider({
        provider: 'icypeas',
        method: 'POST',
        url: endpoint(baseUrl, '/api/bulk-single-searchs/read'),
        headers,
        body: { mode: 'single', id: token },
        signal,
      });
      const read = readAnswer('icypeas', Read, response.body);
      const item = read.items[0];
      if (!read.success || !item) throw new PermanentProviderError('icypeas: search not found');
      if (IN_PROGRESS.has(item.status)) return { kind: 'pending', token, afterSeconds: WAIT_SECONDS };
      if (NOT_FOUND.has(item.status)) return { kind: 'not_found', detail: 'no email found' };
      // The search could not run on what it was given: nothing to find for this contact, not a failure.
      if (item.status === 'BAD_INPUT') return { kind: 'not_found', detail: 'too little to search on' };
      if (item.status === 'INSUFFICIENT_FUNDS') {
        throw new PermanentProviderError('icypeas: out of credits', 'out_of_credits');
      }
      if (!FOUND.has(item.status)) throw new PermanentProviderError(`icypeas: search ended ${item.status}`);
      const found = item.results?.emails?.find(({ certainty }) => !NO_EMAIL.has(certainty ?? ''));
      if (!found) return { kind: 'not_found', detail: 'no email found' };
      return { kind: 'email', email: found.email, verdict: verdictOf(found.certainty) };
    },
  };
}
