/**
 * Hunter Email Finder: the most likely professional email of a person at a domain (or company), with Hunter's
 * own verification status when it has one.
 * Docs: https://hunter.io/api-documentation/v2#email-finder (errors: #errors, statuses:
 * https://help.hunter.io/en/articles/6103281-what-are-the-possible-verification-statuses-for-an-email)
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { PermanentProviderError, type EmailVerdict, type Provider, type ProviderSettings } from './provider';

export const HUNTER_BASE_URL = 'https://api.hunter.io';
export const HUNTER_TYPES = ['email'] as const;

/** Hunter's documented departures from HTTP: 403 is its rate limit, 429 its used-up monthly quota. */
export const HUNTER_STATUSES: StatusMeanings = {
  403: { kind: 'transient', reason: 'rate limited' },
  429: { kind: 'permanent', reason: 'monthly quota used up' },
};

/** Hunter's statuses in the waterfall's words; `webmail` and `disposable` say what the address is, not
 * whether it delivers, so the SMTP check decides for webmail and a throwaway address counts as invalid. */
export function hunterVerdict(status: string, smtpCheck?: boolean | null): EmailVerdict {
  switch (status) {
    case 'valid':
      return 'valid';
    case 'accept_all':
      return 'catch_all';
    case 'invalid':
    case 'disposable':
      return 'invalid';
    case 'webmail':
      return smtpCheck ? 'valid' : 'unknown';
    default:
      return 'unknown';
  }
}

const FinderAnswer = z.object({
  data: z.object({
    email: z.nullish(z.string()),
    verification: z.nullish(z.object({ status: z.nullish(z.string()) })),
  }),
});

export function createHunterProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? HUNTER_BASE_URL;
  return {
    name: 'hunter',
    types: HUNTER_TYPES,
    async find(contact, type, { signal }) {
      if (type !== 'email') throw new PermanentProviderError(`hunter: does not search ${type}`);
      if (!contact.domain && !contact.company_name) {
        throw new PermanentProviderError('hunter: needs a domain or a company name');
      }
      const response = await callProvider({
        provider: 'hunter',
        url: endpoint(baseUrl, '/v2/email-finder', {
          // Hunter prefers the domain and ignores the company when both are sent.
          domain: contact.domain,
          company: contact.domain ? null : contact.company_name,
          first_name: contact.firstname,
          last_name: contact.lastname,
        }),
        headers: { 'x-api-key': settings.apiKey },
        signal,
        statusMeanings: HUNTER_STATUSES,
      });
      const { data } = readAnswer('hunter', FinderAnswer, response.body);
      if (!data.email) return { kind: 'not_found', detail: 'no email found' };
      const status = data.verification?.status;
      return status
        ? { kind: 'email', email: data.email, verdict: hunterVerdict(status) }
        : { kind: 'email', email: data.email };
    },
  };
}
