/**
 * Icypeas email search (asynchronous): `find` submits a single search and returns its id; `poll` reads the
 * search item until Icypeas has processed it.
 * Docs: https://api-doc.icypeas.com/getting-started (single search and read), item statuses:
 * https://api-doc.icypeas.com/how-works/search_statuses, certainties: https://api-doc.icypeas.com/how-works/certainties
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import {
  PermanentProviderError,
  type EmailVerdict,
  type Provider,
  type ProviderAnswer,
  type ProviderSettings,
} from './provider';

export const ICYPEAS_BASE_URL = 'https://app.icypeas.com';
export const ICYPEAS_TYPES = ['email'] as const;

/** Icypeas processes a single search in seconds. */
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

/** `ultra_sure` / `very_sure` are 99% confident; `probable` (95%) is left for the verifier to judge. */
function verdictOf(certainty: string | null | undefined): EmailVerdict {
  return certainty === 'ultra_sure' || certainty === 'very_sure' ? 'valid' : 'unknown';
}

export function createIcypeasProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? ICYPEAS_BASE_URL;
  // Icypeas wants the bare key in Authorization, with no scheme.
  const headers = { authorization: settings.apiKey };
  const checkType = (type: string) => {
    if (type !== 'email') throw new PermanentProviderError(`icypeas: does not search ${type}`);
  };
  return {
    name: 'icypeas',
    types: ICYPEAS_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      checkType(type);
      const domainOrCompany = contact.domain ?? contact.company_name;
      if (!domainOrCompany) throw new PermanentProviderError('icypeas: needs a domain or a company name');
      const response = await callProvider({
        provider: 'icypeas',
        method: 'POST',
        url: endpoint(baseUrl, '/api/email-search'),
        headers,
        body: { firstname: contact.firstname, lastname: contact.lastname, domainOrCompany },
        signal,
      });
      const submitted = readAnswer('icypeas', Submitted, response.body);
      if (!submitted.success || !submitted.item) {
        throw new PermanentProviderError('icypeas: the search was not accepted');
      }
      return { kind: 'pending', token: submitted.item._id, afterSeconds: WAIT_SECONDS };
    },

    async poll(token, type, { signal }): Promise<ProviderAnswer> {
      checkType(type);
      const response = await callProvider({
        provider: 'icypeas',
        method: 'POST',
        url: endpoint(baseUrl, '/api/bulk-single-searchs/read'),
        headers,
        body: { id: token },
        signal,
      });
      const read = readAnswer('icypeas', Read, response.body);
      const item = read.items[0];
      if (!read.success || !item) throw new PermanentProviderError('icypeas: search not found');
      if (IN_PROGRESS.has(item.status)) return { kind: 'pending', token, afterSeconds: WAIT_SECONDS };
      if (NOT_FOUND.has(item.status)) return { kind: 'not_found', detail: 'no email found' };
      if (item.status === 'INSUFFICIENT_FUNDS') throw new PermanentProviderError('icypeas: out of credits');
      if (!FOUND.has(item.status)) throw new PermanentProviderError(`icypeas: search ended ${item.status}`);
      const found = item.results?.emails?.[0];
      if (!found) return { kind: 'not_found', detail: 'no email found' };
      return { kind: 'email', email: found.email, verdict: verdictOf(found.certainty) };
    },
  };
}
