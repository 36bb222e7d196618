/**
 * Dropcontact as documented: https://developer.dropcontact.com/en/quickstart/ (submit and fetch answers),
 * https://developer.dropcontact.com/en/errors/ (`success: false` while processing, `error: true` with a `reason`
 * on failures, 403 when credits do not cover the request), https://developer.dropcontact.com/ (GET response).
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

const refused = (status: number, reason: string): HttpReply => ({
  status,
  json: { error: true, reason, success: false },
});

export const submitted = { credits_left: 15277, request_id: 'qzmxkpvlrtdnhwa', error: false, success: true };
export const notReady = {
  error: false,
  reason: 'Request not ready yet, try again in 30 seconds',
  success: false,
};

/** A fetched result as documented, for one contact. */
export const ready = (emails: { email: string; qualification: string }[]) => ({
  data: [
    {
      civility: 'Mme',
      first_name: 'Jane',
      last_name: 'Doe',
      full_name: 'Jane Doe',
      email: emails,
      company: 'Acme',
      website: 'www.acme.com',
      linkedin: 'https://www.linkedin.com/in/janedoe',
      job: 'Customer Success Manager',
    },
  ],
  error: false,
  success: true,
  credits_left: 15276,
});

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-access-token'] as string | undefined,
  async: {
    token: 'qzmxkpvlrtdnhwa',
    submitted: { status: 200, json: submitted },
    running: { status: 200, json: notReady },
  },
  answers: {
    email: {
      found: {
        reply: {
          status: 200,
          json: ready([
            { email: 'contact@acme.com', qualification: 'generic@pro' },
            { email: 'jane.doe@acme.com', qualification: 'nominative@pro' },
          ]),
        },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 200, json: ready([{ email: 'contact@acme.com', qualification: 'generic@pro' }]) },
        answer: { kind: 'not_found', detail: 'no professional email' },
      },
    },
  },
  refusals: {
    badKey: { reply: refused(401, 'Invalid token') },
    noCredits: { reply: refused(403, "You don't have enough credits for this request") },
  },
  rateLimited: {
    // Dropcontact documents the 429 but no wait; the test sends the standard Retry-After.
    withWait: () => ({ ...refused(429, 'Too Many Requests'), headers: { 'retry-after': '10' } }),
    seconds: 10,
    withoutWait: refused(429, 'Too Many Requests'),
  },
  serverError: { status: 500, json: { detail: 'Internal Server Error' } },
  cases: [
    {
      case: 'a failed read (error: true) as permanent, not another wait',
      on: 'poll',
      reply: refused(200, 'Request not found'),
      expect: { error: PermanentProviderError, message: 'dropcontact: the search failed' },
    },
    {
      case: 'a refused submit for lack of credits as out of credits',
      reply: refused(200, 'Not enough credits'),
      expect: { error: PermanentProviderError, refusal: 'out_of_credits' },
    },
    {
      case: 'a refused submit as permanent',
      reply: refused(400, 'Missing data in JSON'),
      expect: { error: PermanentProviderError },
    },
    {
      case: 'a catch-all professional email as catch_all',
      on: 'poll',
      reply: { status: 200, json: ready([{ email: 'jane.doe@acme.com', qualification: 'catch_all@pro' }]) },
      expect: { answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'catch_all' } },
    },
    {
      case: 'a personal address only as not_found',
      on: 'poll',
      reply: { status: 200, json: ready([{ email: 'jane@gmail.com', qualification: 'nominative@perso' }]) },
      expect: { answer: { kind: 'not_found', detail: 'no professional email' } },
    },
    {
      case: 'the wait Dropcontact asks for while processing',
      on: 'poll',
      reply: { status: 200, json: { ...notReady, reason: 'Request not ready yet, try again in 20 seconds' } },
      expect: { answer: { kind: 'pending', token: 'qzmxkpvlrtdnhwa', afterSeconds: 20 } },
    },
  ],
};
