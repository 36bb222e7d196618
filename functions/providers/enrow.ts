/**
 * Enrow email and phone finders (asynchronous): `find` starts a single search and returns its id; `poll` reads
 * it until Enrow has an answer. Enrow verifies what it finds itself, catch-all domains included, so a `valid`
 * email is final; credits are charged only for what is found (1 per email, 50 per phone).
 * Docs (Enrow's API reference, https://enrow.readme.io/reference, as published in its official MCP server's
 * llms-full.txt, github.com/EnrowAPI/enrow-mcp): Email Finder "Find Single" and "Get Single Result"
 * (POST/GET /email/find/single: 200 found or not, 202 ongoing), Phone Finder "Find Single" and "Get Single
 * Result" (POST/GET /phone/single), Error Codes (401 key, 422 "Insufficient balance", 429), Rate Limits
 * (10 requests/second on POST endpoints, GET endpoints not limited).
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import {
  PermanentProviderError,
  type ContactQuery,
  type Provider,
  type ProviderAnswer,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const ENROW_BASE_URL = 'https://api.enrow.io';
export const ENROW_TYPES = ['email', 'phone'] as const;
export const ENROW_INPUTS: ProviderInputs = {
  email: [['domain'], ['company_name']],
  phone: [['linkedin_url'], ['domain'], ['company_name']],
};

/** Enrow documents no processing time; a single search usually takes seconds, a phone search longer. */
const EMAIL_WAIT_SECONDS = 5;
const PHONE_WAIT_SECONDS = 10;

const STATUSES: StatusMeanings = {
  422: { kind: 'permanent', reason: 'out of credits', refusal: 'out_of_credits' },
  // The read of a search id Enrow does not know ("… search not found"): asking again will not help.
  404: { kind: 'permanent', reason: 'search not found' },
};

const Started = z.object({ id: z.string() });
const EmailResult = z.object({ qualification: z.string(), email: z.nullish(z.string()) });
const PhoneResult = z.object({
  qualification: z.string(),
  number: z.nullish(z.string()),
  country: z.nullish(z.string()),
});

/** Option 1 (recommended by Enrow) is the LinkedIn profile; option 2 is the name at a company. */
function phoneSearch(contact: ContactQuery): Record<string, string> {
  if (contact.linkedin_url) return { linkedin_url: contact.linkedin_url };
  return {
    firstname: contact.firstname,
    lastname: contact.lastname,
    ...(contact.domain ? { company_domain: contact.domain } : { company_name: contact.company_name ?? '' }),
  };
}

export function createEnrowProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? ENROW_BASE_URL;
  const headers = { 'x-api-key': settings.apiKey };
  const path = (type: string) => (type === 'phone' ? '/phone/single' : '/email/find/single');
  return {
    name: 'enrow',
    types: ENROW_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('enrow', ENROW_INPUTS, type, contact);
      const body =
        type === 'phone'
          ? phoneSearch(contact)
          : {
              fullname: `${contact.firstname} ${contact.lastname}`,
              ...(contact.domain
                ? { company_domain: contact.domain }
                : { company_name: contact.company_name }),
            };
      const response = await callProvider({
        provider: 'enrow',
        method: 'POST',
        url: endpoint(baseUrl, path(type)),
        headers,
        body,
        signal,
        statusMeanings: STATUSES,
      });
      const { id } = readAnswer('enrow', Started, response.body);
      return {
        kind: 'pending',
        token: id,
        afterSeconds: type === 'phone' ? PHONE_WAIT_SECONDS : EMAIL_WAIT_SECONDS,
      };
    },

    async poll(token, type, { signal }): Promise<ProviderAnswer> {
      const response = await callProvider({
        provider: 'enrow',
        url: endpoint(baseUrl, path(type), { id: token }),
        headers,
        signal,
        statusMeanings: STATUSES,
      });
      if (type === 'phone') {
        const result = readAnswer('enrow', PhoneResult, response.body);
        if (result.qualification === 'ongoing')
          return { kind: 'pending', token, afterSeconds: PHONE_WAIT_SECONDS };
        if (result.qualification === 'found' && result.number) {
          const country = result.country;
          return { kind: 'phones', phones: [{ number: result.number, ...(country ? { country } : {}) }] };
        }
        if (result.qualification === 'not_found' || result.qualification === 'found') {
          return { kind: 'not_found', detail: 'no phone found' };
        }
        throw new PermanentProviderError(`enrow: unexpected qualification ${result.qualification}`);
      }
      const result = readAnswer('enrow', EmailResult, response.body);
      if (result.qualification === 'ongoing')
        return { kind: 'pending', token, afterSeconds: EMAIL_WAIT_SECONDS };
      // Binary: "valid" is a found and verified email, "invalid" is no email found.
      if (result.qualification === 'valid' && result.email) {
        return { kind: 'email', email: result.email, verdict: 'valid' };
      }
      if (result.qualification === 'invalid' || result.qualification === 'valid') {
        return { kind: 'not_found', detail: 'no email found' };
      }
      throw new PermanentProviderError(`enrow: unexpected qualification ${result.qualification}`);
    },
  };
}
