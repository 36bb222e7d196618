/**
 * MillionVerifier as documented: https://developer.millionverifier.com/ (Single API answer; its own failures in
 * the `error` field of a 200 answer with `result: "error"`).
 */
import { TransientProviderError } from '../../../../functions/providers/provider';
import type { HttpReply, VerifierDouble } from '../fake-provider-server';

/** A single-API answer as documented. */
export const verification = (result: string, error = '') => ({
  email: 'jane.doe@acme.com',
  quality: result === 'ok' ? 'good' : 'bad',
  result,
  resultcode:
    result === 'ok' ? 1 : result === 'catch_all' ? 2 : result === 'unknown' ? 3 : result === 'error' ? 4 : 6,
  subresult: result,
  free: false,
  role: false,
  didyoumean: '',
  credits: 9999,
  executiontime: 1,
  error,
  livemode: true,
});

const answer = (result: string, error?: string): HttpReply => ({
  status: 200,
  json: verification(result, error),
});

export const verifier: VerifierDouble = {
  key: (request) => request.query.get('api') ?? undefined,
  verdicts: [
    { reply: answer('ok'), answer: { verdict: 'valid', detail: 'millionverifier result ok' } },
    {
      reply: answer('catch_all'),
      answer: { verdict: 'catch_all', detail: 'millionverifier result catch_all' },
    },
    { reply: answer('invalid'), answer: { verdict: 'invalid', detail: 'millionverifier result invalid' } },
    {
      reply: answer('disposable'),
      answer: { verdict: 'invalid', detail: 'millionverifier result disposable' },
    },
    { reply: answer('unknown'), answer: { verdict: 'unknown', detail: 'millionverifier result unknown' } },
  ],
  refusals: {
    badKey: { reply: answer('error', 'Invalid API key') },
    noCredits: { reply: answer('error', 'Insufficient credits') },
  },
  rateLimited: {
    // MillionVerifier documents no rate-limit answer; these are HTTP's.
    withWait: () => ({ status: 429, json: {}, headers: { 'retry-after': '5' } }),
    seconds: 5,
    withoutWait: { status: 429, json: {} },
  },
  serverError: { status: 500, text: '' },
  cases: [
    {
      case: 'an internal error reported in the answer as worth retrying',
      reply: answer('error', 'Internal error'),
      expect: { error: TransientProviderError },
    },
    {
      case: 'a result it does not know yet as unknown',
      reply: answer('something_new'),
      expect: { answer: { verdict: 'unknown', detail: 'millionverifier result something_new' } },
    },
  ],
};
