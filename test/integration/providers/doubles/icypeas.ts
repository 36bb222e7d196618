/**
 * Icypeas as documented: https://api-doc.icypeas.com/how-it-works (single search answer), the search item read
 * back (https://api-doc.icypeas.com/reference/get-results), statuses (https://api-doc.icypeas.com/statuses) and
 * certainties (https://api-doc.icypeas.com/certainties).
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble } from '../fake-provider-server';

export const SEARCH_ID = 'p_gfS5EB4liCGm90KDFC';
export const submitted = { success: true, item: { status: 'NONE', _id: SEARCH_ID } };

/** A search item read back, as documented. */
export const item = (status: string, emails: { email: string; certainty: string }[] = []) => ({
  success: true,
  items: [
    {
      name: '__icypeas__individual',
      user: 'USER_ID',
      results: {
        firstname: 'Jane',
        lastname: 'Doe',
        gender: 'UNKNOWN',
        fullname: 'Jane Doe',
        emails: emails.map((e) => ({ ...e, mxProvider: 'google', mxRecords: ['google.com'] })),
        phones: [],
      },
      order: 0,
      status,
      userData: { webhookUrl: '', externalId: '' },
      _id: SEARCH_ID,
    },
  ],
  sorts: [[], []],
  total: 1,
});

export const provider: ProviderDouble = {
  key: (request) => request.headers.authorization,
  async: {
    token: SEARCH_ID,
    submitted: { status: 200, json: submitted },
    running: { status: 200, json: item('IN_PROGRESS') },
  },
  answers: {
    email: {
      found: {
        reply: {
          status: 200,
          json: item('DEBITED', [{ email: 'jane.doe@acme.com', certainty: 'ultra_sure' }]),
        },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 200, json: item('NOT_FOUND') },
        answer: { kind: 'not_found', detail: 'no email found' },
      },
    },
  },
  refusals: {
    badKey: { reply: { status: 401, json: { success: false, message: 'Unauthorized' } } },
    noCredits: { reply: { status: 200, json: item('INSUFFICIENT_FUNDS') }, on: 'poll' },
  },
  rateLimited: {
    // Icypeas documents the 429 but no wait; the test sends the standard Retry-After.
    withWait: () => ({ status: 429, json: { success: false }, headers: { 'retry-after': '3' } }),
    seconds: 3,
    withoutWait: { status: 429, json: { success: false } },
  },
  serverError: { status: 500, json: { success: false } },
  cases: [
    {
      case: 'BAD_INPUT (too little to search on) as not_found',
      on: 'poll',
      reply: { status: 200, json: item('BAD_INPUT') },
      expect: { answer: { kind: 'not_found', detail: 'too little to search on' } },
    },
    {
      case: 'DEBITED_NOT_FOUND as not_found',
      on: 'poll',
      reply: { status: 200, json: item('DEBITED_NOT_FOUND') },
      expect: { answer: { kind: 'not_found', detail: 'no email found' } },
    },
    {
      case: 'an undeliverable email as no email, taking the next one',
      on: 'poll',
      reply: {
        status: 200,
        json: item('FOUND', [
          { email: 'jdoe@acme.com', certainty: 'undeliverable' },
          { email: 'jane.doe@acme.com', certainty: 'probable' },
        ]),
      },
      expect: { answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'unknown' } },
    },
    {
      case: 'emails whose certainty is not_found as not_found',
      on: 'poll',
      reply: { status: 200, json: item('FOUND', [{ email: 'jdoe@acme.com', certainty: 'not_found' }]) },
      expect: { answer: { kind: 'not_found', detail: 'no email found' } },
    },
    {
      case: 'INSUFFICIENT_FUNDS, saying so',
      on: 'poll',
      reply: { status: 200, json: item('INSUFFICIENT_FUNDS') },
      expect: {
        error: PermanentProviderError,
        refusal: 'out_of_credits',
        message: 'icypeas: out of credits',
      },
    },
    {
      case: 'ABORTED as permanent',
      on: 'poll',
      reply: { status: 200, json: item('ABORTED') },
      expect: { error: PermanentProviderError, message: 'icypeas: search ended ABORTED' },
    },
    {
      case: 'a refused search (validation errors) as permanent',
      reply: { status: 200, json: { success: false, validationErrors: [{ field: 'domainOrCompany' }] } },
      expect: { error: PermanentProviderError },
    },
  ],
};
