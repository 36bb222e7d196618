/**
 * MillionVerifier single API: real-time verification of one email. MillionVerifier reports its own failures
 * (bad key, no credits, internal error) in the `error` field of a 200 answer, with `result: "error"`.
 * Docs: https://developer.millionverifier.com/ (Single API, "Verify an email address in real time")
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import {
  PermanentProviderError,
  TransientProviderError,
  type EmailVerdict,
  type EmailVerifier,
  type ProviderRefusal,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const MILLIONVERIFIER_BASE_URL = 'https://api.millionverifier.com';

/** Seconds MillionVerifier may spend on a slow mail server before answering `unknown` (its range is 2-60). */
const VERIFY_TIMEOUT_SECONDS = 10;

const Verification = z.object({ result: z.string(), error: z.nullish(z.string()) });

const VERDICTS: Readonly<Record<string, EmailVerdict>> = {
  ok: 'valid',
  catch_all: 'catch_all',
  invalid: 'invalid',
  // A throwaway inbox is no way to reach a person.
  disposable: 'invalid',
  unknown: 'unknown',
};

/** Its error sentences ("Invalid API key", "Insufficient credits") in the breaker's words. */
function refusalOf(error: string): ProviderRefusal | undefined {
  if (/api key/i.test(error)) return 'bad_key';
  if (/credit/i.test(error)) return 'out_of_credits';
  return undefined;
}

export function createMillionVerifierVerifier(settings: ProviderSettings): EmailVerifier {
  const baseUrl = settings.baseUrl ?? MILLIONVERIFIER_BASE_URL;
  return {
    name: 'millionverifier',
    async verify(email, { signal }) {
      const response = await callProvider({
        provider: 'millionverifier',
        // The key travels as a query parameter, as documented; error messages never carry the URL.
        url: endpoint(baseUrl, '/api/v3/', {
          api: settings.apiKey,
          email,
          timeout: String(VERIFY_TIMEOUT_SECONDS),
        }),
        signal,
      });
      const verification = readAnswer('millionverifier', Verification, response.body);
      if (verification.error) {
        // Its own words are fixed sentences, never the email.
        const message = `millionverifier: ${verification.error}`;
        throw /internal/i.test(verification.error)
          ? new TransientProviderError(message)
          : new PermanentProviderError(message, refusalOf(verification.error));
      }
      return {
        verdict: VERDICTS[verification.result] ?? 'unknown',
        detail: `millionverifier result ${verification.result}`,
      };
    },
  };
}
