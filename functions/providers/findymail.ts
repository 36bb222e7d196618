/**
 * Findymail email finder: a person's work email from their LinkedIn profile, or from their name at a company.
 * Findymail verifies every address before returning it, so an email is `valid`, and charges a finder credit
 * only when it finds one.
 * Docs: https://app.findymail.com/docs/ (Bearer authentication; "all endpoints have a concurrent rate limit of
 * 300 simultaneous requests"; POST api/search/name and api/search/linkedin; `{"error": "Not enough credits"}`),
 * the fields and errors as Findymail's own clients use them: github.com/Findymail/n8n-nodes-findymail
 * (endpoints and bodies) and github.com/Findymail/findymail-cursor-plugin, skills/email-finder (1 credit if
 * found, free if not; 402 "Not enough credits", 429 "Too Many Attempts", 401 sign-in).
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import { PermanentProviderError, type Provider, type ProviderAnswer } from '../domain/provider';
import type { ProviderSettings } from './provider';

export const FINDYMAIL_BASE_URL = 'https://app.findymail.com';
export const FINDYMAIL_TYPES = ['email'] as const;
export const FINDYMAIL_INPUTS: ProviderInputs = { email: [['linkedin_url'], ['domain'], ['company_name']] };

const Search = z.object({
  contact: z.nullish(z.object({ email: z.nullish(z.string()) })),
  error: z.nullish(z.string()),
});

export function createFindymailProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? FINDYMAIL_BASE_URL;
  return {
    name: 'findymail',
    types: FINDYMAIL_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('findymail', FINDYMAIL_INPUTS, type, contact);
      // Findymail calls the LinkedIn profile its most reliable identifier; its `domain` also takes a company name.
      const byProfile = Boolean(contact.linkedin_url);
      const response = await callProvider({
        provider: 'findymail',
        method: 'POST',
        url: endpoint(baseUrl, byProfile ? '/api/search/linkedin' : '/api/search/name'),
        headers: { authorization: `Bearer ${settings.apiKey}` },
        body: byProfile
          ? { linkedin_url: contact.linkedin_url }
          : {
              name: `${contact.firstname} ${contact.lastname}`,
              domain: contact.domain ?? contact.company_name,
            },
        signal,
        answerStatuses: [404],
      });
      if (response.status === 404) return { kind: 'not_found', detail: 'no email found' };
      const search = readAnswer('findymail', Search, response.body ?? {});
      if (search.error) {
        // Its error sentences are fixed ("Not enough credits"), never contact data.
        throw /credit/i.test(search.error)
          ? new PermanentProviderError('findymail: out of credits', 'out_of_credits')
          : new PermanentProviderError('findymail: request refused');
      }
      const email = search.contact?.email;
      return email
        ? { kind: 'email', email, verdict: 'valid' }
        : { kind: 'not_found', detail: 'no email found' };
    },
  };
}
