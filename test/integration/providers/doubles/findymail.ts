/**
 * Findymail as documented: https://app.findymail.com/docs/ (`{"contact": {"name", "domain", "email"}}`,
 * `{"error": "Not enough credits"}`), its clients' errors (github.com/Findymail/findymail-cursor-plugin:
 * 402 "Not enough credits", 429 "Too Many Attempts", 401). How it answers a miss is not shown: the double
 * answers 404, and the adapter also takes a 200 without a contact as a miss.
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble } from '../fake-provider-server';

export const found = { contact: { name: 'Jane Doe', domain: 'acme.com', email: 'jane.doe@acme.com' } };

export const provider: ProviderDouble = {
  key: (request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1],
  answers: {
    email: {
      found: {
        reply: { status: 200, json: found },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 404, json: { error: 'Not found' } },
        answer: { kind: 'not_found', detail: 'no email found' },
      },
    },
  },
  refusals: {
    badKey: { reply: { status: 401, json: { message: 'Unauthenticated.' } } },
    noCredits: { reply: { status: 402, json: { error: 'Not enough credits' } } },
  },
  rateLimited: {
    withWait: () => ({
      status: 429,
      json: { message: 'Too Many Attempts.' },
      headers: { 'retry-after': '12' },
    }),
    seconds: 12,
    withoutWait: { status: 429, json: { message: 'Too Many Attempts.' } },
  },
  serverError: { status: 500, json: { message: 'Server Error' } },
  cases: [
    {
      case: '"Not enough credits" in a 200 as out of credits',
      reply: { status: 200, json: { error: 'Not enough credits' } },
      expect: {
        error: PermanentProviderError,
        refusal: 'out_of_credits',
        message: 'findymail: out of credits',
      },
    },
    {
      case: 'a 200 without a contact as not_found',
      reply: { status: 200, json: { contact: null } },
      expect: { answer: { kind: 'not_found', detail: 'no email found' } },
    },
  ],
};
