/**
 * ZeroBounce as documented: https://www.zerobounce.net/docs/email-validation-api-quickstart/v2-validate-emails
 * (the validate answer), status codes (/v2-status-codes), API error codes (/api-dashboard/api-error-codes: 403 is
 * the API shield, 429 the rate limit, no Retry-After), and the `error` answer as ZeroBounce's Go SDK tests it
 * (github.com/zerobounce/zerobouncego).
 */
import { TransientProviderError } from '../../../../functions/providers/provider';
import type { HttpReply, VerifierDouble } from '../fake-provider-server';

/** A validate answer as documented. */
export const validation = (status: string, subStatus = '') => ({
  address: 'jane.doe@acme.com',
  status,
  sub_status: subStatus,
  free_email: false,
  did_you_mean: null,
  account: 'jane.doe',
  domain: 'acme.com',
  domain_age_days: '9636',
  smtp_provider: 'google',
  mx_found: 'true',
  mx_record: 'aspmx.l.google.com',
  firstname: 'Jane',
  lastname: 'Doe',
  gender: 'female',
  country: null,
  region: null,
  city: null,
  zipcode: null,
  processed_at: '2024-05-01 12:00:00.000',
});

const answer = (status: string, subStatus?: string): HttpReply => ({
  status: 200,
  json: validation(status, subStatus),
});
const refused: HttpReply = {
  status: 200,
  json: { error: 'Invalid API Key or your account ran out of credits' },
};

export const verifier: VerifierDouble = {
  key: (request) => request.query.get('api_key') ?? undefined,
  verdicts: [
    { reply: answer('valid'), answer: { verdict: 'valid', detail: 'zerobounce status valid' } },
    { reply: answer('catch-all'), answer: { verdict: 'catch_all', detail: 'zerobounce status catch-all' } },
    {
      reply: answer('invalid', 'mailbox_not_found'),
      answer: { verdict: 'invalid', detail: 'zerobounce status invalid' },
    },
    {
      reply: answer('do_not_mail', 'role_based'),
      answer: { verdict: 'invalid', detail: 'zerobounce status do_not_mail' },
    },
    {
      reply: answer('unknown', 'greylisted'),
      answer: { verdict: 'unknown', detail: 'zerobounce status unknown' },
    },
  ],
  refusals: {
    badKey: { reply: refused },
    // ZeroBounce says "bad key or out of credits" in one sentence: the adapter can only name the key.
    noCredits: { reply: refused, refusal: 'bad_key' },
  },
  rateLimited: {
    // ZeroBounce documents the 429 but no wait; the test sends the standard Retry-After.
    withWait: () => ({ status: 429, text: '', headers: { 'retry-after': '60' } }),
    seconds: 60,
    withoutWait: { status: 429, text: '' },
  },
  serverError: { status: 520, text: '' },
  cases: [
    {
      case: '403 (the API shield engaged) as worth retrying, not a refused key',
      reply: { status: 403, text: '' },
      expect: { error: TransientProviderError },
    },
    {
      case: 'a spamtrap as invalid',
      reply: answer('spamtrap'),
      expect: { answer: { verdict: 'invalid', detail: 'zerobounce status spamtrap' } },
    },
  ],
};
