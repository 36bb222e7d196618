/**
 * ZeroBounce email validation: judges an email another provider found without verifying it. ZeroBounce answers
 * every verdict with a 200 and reports a bad key or used-up credits in an `error` field of a 200 answer; a 403
 * is its "API Shield" holding traffic back for a while, not a refused key. Unknown results use no credit.
 * Docs: https://www.zerobounce.net/docs/email-validation-api-quickstart/v2-validate-emails (GET /v2/validate,
 * `ip_address` required but may be blank, `timeout` 3-60 s), status codes:
 * https://www.zerobounce.net/docs/email-validation-api-quickstart/v2-status-codes, API error codes:
 * https://www.zerobounce.net/docs/api-dashboard/api-error-codes, rate limits:
 * https://www.zerobounce.net/docs/api-dashboard/api-rate-limits; the `error` answer as ZeroBounce's own Go SDK
 * tests it (github.com/zerobounce/zerobouncego, validate_test.go).
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { PermanentProviderError, type EmailVerdict, type EmailVerifier } from '../domain/provider';
import type { ProviderSettings } from './provider';

export const ZEROBOUNCE_BASE_URL = 'https://api.zerobounce.net';

/** Seconds ZeroBounce may spend on a slow mail server before answering `unknown` (its range is 3-60). */
const VERIFY_TIMEOUT_SECONDS = 10;

const STATUSES: StatusMeanings = {
  403: { kind: 'transient', reason: 'held back by the API shield' },
};

const Validation = z.object({ status: z.nullish(z.string()), error: z.nullish(z.string()) });

const VERDICTS: Readonly<Record<string, EmailVerdict>> = {
  valid: 'valid',
  'catch-all': 'catch_all',
  invalid: 'invalid',
  // Deliverable perhaps, but never to be mailed: traps, complainers, role and throwaway addresses.
  spamtrap: 'invalid',
  abuse: 'invalid',
  do_not_mail: 'invalid',
  unknown: 'unknown',
};

export function createZeroBounceVerifier(settings: ProviderSettings): EmailVerifier {
  const baseUrl = settings.baseUrl ?? ZEROBOUNCE_BASE_URL;
  return {
    name: 'zerobounce',
    async verify(email, { signal }) {
      // The key travels as a query parameter, as documented; error messages never carry the URL.
      const url = endpoint(baseUrl, '/v2/validate', {
        api_key: settings.apiKey,
        email,
        timeout: String(VERIFY_TIMEOUT_SECONDS),
      });
      url.searchParams.set('ip_address', '');
      const response = await callProvider({ provider: 'zerobounce', url, signal, statusMeanings: STATUSES });
      const validation = readAnswer('zerobounce', Validation, response.body);
      if (validation.error) {
        // "Invalid API Key or your account ran out of credits": one sentence for both, so the key is named.
        const credits = /credit/i.test(validation.error) && !/key/i.test(validation.error);
        throw new PermanentProviderError(
          `zerobounce: ${credits ? 'out of credits' : 'API key rejected or out of credits'}`,
          credits ? 'out_of_credits' : 'bad_key',
        );
      }
      if (!validation.status) throw new PermanentProviderError('zerobounce: unexpected answer at status');
      return {
        verdict: VERDICTS[validation.status] ?? 'unknown',
        detail: `zerobounce status ${validation.status}`,
      };
    },
  };
}
