/**
 * Enrow as documented in its API reference (https://enrow.readme.io/reference, as published in
 * github.com/EnrowAPI/enrow-mcp, llms-full.txt): Email Finder and Phone Finder single searches and results,
 * error codes `{"message": …}` (401, 404, 422 "Insufficient balance", 429).
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

export const SEARCH_ID = '0cf517bc-16e8-45bc-b967-ab9116b3c804';
const message = (status: number, text: string): HttpReply => ({ status, json: { message: text } });

export const emailResult = (qualification: string, email?: string) => ({
  ...(email ? { email } : {}),
  custom: {},
  info: { company_domain: 'acme.com', fullname: 'Jane Doe', firstname: 'Jane', lastname: 'Doe' },
  qualification,
});

export const phoneResult = (qualification: string, number?: string) => ({
  params: { linkedin_url: 'https://www.linkedin.com/in/janedoe' },
  custom: '',
  ...(number ? { number, country: 'US' } : {}),
  qualification,
});

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-api-key'] as string | undefined,
  async: {
    token: SEARCH_ID,
    submitted: { status: 200, json: { message: 'Single search operating', id: SEARCH_ID, credits_used: 1 } },
    running: { status: 202, json: { qualification: 'ongoing' } },
  },
  answers: {
    email: {
      found: {
        reply: { status: 200, json: emailResult('valid', 'jane.doe@acme.com') },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 200, json: emailResult('invalid') },
        answer: { kind: 'not_found', detail: 'no email found' },
      },
    },
    phone: {
      submitted: {
        status: 201,
        json: {
          credits_used: 50,
          id: SEARCH_ID,
          message: 'Single search operating',
          credits: { amount: 50, source: 'sub', split: { fromPaygo: 0, fromSub: 50 } },
        },
      },
      found: {
        reply: { status: 200, json: phoneResult('found', '+15705551234') },
        answer: { kind: 'phones', phones: [{ number: '+15705551234', country: 'US' }] },
      },
      notFound: {
        reply: { status: 200, json: phoneResult('not_found') },
        answer: { kind: 'not_found', detail: 'no phone found' },
      },
    },
  },
  refusals: {
    badKey: { reply: message(401, 'This apikey is not valid') },
    noCredits: { reply: message(422, 'Insufficient balance') },
  },
  rateLimited: {
    // Enrow documents the 429 but no wait; the test sends the standard Retry-After.
    withWait: () => ({ ...message(429, 'Rate limit exceeded'), headers: { 'retry-after': '1' } }),
    seconds: 1,
    withoutWait: message(429, 'Rate limit exceeded'),
  },
  serverError: { status: 500, json: { message: 'Internal server error' } },
  cases: [
    {
      case: 'a search id Enrow does not know as permanent',
      on: 'poll',
      reply: message(404, 'Bulk search not found'),
      expect: { error: PermanentProviderError, message: 'enrow: search not found (HTTP 404)' },
    },
    {
      case: 'a refused search as permanent',
      reply: message(400, 'input payload is missing fullname'),
      expect: { error: PermanentProviderError },
    },
  ],
};
