/**
 * Hunter Email Finder: the most likely professional email of a person at a domain (or company), with Hunter's
 * own verification status when it has one. Hunter counts a request only when it finds an email.
 * Docs: https://hunter.io/api-documentation/v2#email-finder (parameters `linkedin_handle`, `max_duration`;
 * errors: #errors, where 403 is the rate limit, 429 the used-up monthly quota and 451 a person Hunter was asked
 * not to process; rate limits: #rate-limit), verification statuses:
 * https://help.hunter.io/en/articles/6103281-what-are-the-possible-verification-statuses-for-an-email,
 * what counts as a request: https://help.hunter.io/en/articles/1911617-what-is-a-request-and-how-it-is-counted
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import type { EmailVerdict, Provider } from '../domain/provider';
import type { ProviderSettings } from './provider';

export const HUNTER_BASE_URL = 'https://api.hunter.io';
export const HUNTER_TYPES = ['email'] as const;
export const HUNTER_INPUTS: ProviderInputs = { email: [['domain'], ['company_name']] };

/** Hunter's documented departures from HTTP: 403 is its rate limit, 429 its used-up monthly quota. */
export const HUNTER_STATUSES: StatusMeanings = {
  403: { kind: 'transient', reason: 'rate limited' },
  429: { kind: 'permanent', reason: 'monthly quota used up', refusal: 'out_of_credits' },
};

/** 451: Hunter was asked not to process this person's data; the answer for them is "nothing", not a failure. */
export const HUNTER_WITHHELD = 451;

/**
 * Seconds Hunter may search before answering (its range is 3 to 20, default 10): long enough to find more,
 * short enough to answer inside the provider step's 20 s call budget (`functions/composition.ts`).
 */
const MAX_DURATION_SECONDS = 15;

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

/** The slug Hunter calls a LinkedIn handle: `https://www.linkedin.com/in/jane-doe` → `jane-doe`. */
export function linkedinHandle(linkedinUrl: string | null | undefined): string | undefined {
  const slug = /\/in\/([^/?#]+)/.exec(linkedinUrl ?? '')?.[1];
  return slug ? decodeURIComponent(slug) : undefined;
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
      requireInputs('hunter', HUNTER_INPUTS, type, contact);
      const response = await callProvider({
        provider: 'hunter',
        url: endpoint(baseUrl, '/v2/email-finder', {
          // Hunter prefers the domain and ignores the company when both are sent.
          domain: contact.domain,
          company: contact.domain ? null : contact.company_name,
          first_name: contact.firstname,
          last_name: contact.lastname,
          linkedin_handle: linkedinHandle(contact.linkedin_url),
          max_duration: String(MAX_DURATION_SECONDS),
        }),
        headers: { 'x-api-key': settings.apiKey },
        signal,
        statusMeanings: HUNTER_STATUSES,
        answerStatuses: [404, HUNTER_WITHHELD],
      });
      if (response.status === HUNTER_WITHHELD) {
        return { kind: 'not_found', detail: 'withheld by Hunter (personal-data restriction)' };
      }
      if (response.status === 404) return { kind: 'not_found', detail: 'no email found' };
      const { data } = readAnswer('hunter', FinderAnswer, response.body);
      if (!data.email) return { kind: 'not_found', detail: 'no email found' };
      const status = data.verification?.status;
      return status
        ? { kind: 'email', email: data.email, verdict: hunterVerdict(status) }
        : { kind: 'email', email: data.email };
    },
  };
}
