/**
 * Hunter Email Verifier: judges an email another provider found without verifying it.
 * Docs: https://hunter.io/api-documentation/v2#email-verifier (202 "verification in progress" and 222
 * "verification failed" are documented under #errors; both are worth asking again; 451 is a person Hunter was
 * asked not to process, about whom it will say nothing), rate limits: #rate-limit.
 */
import * as z from 'zod/mini';
import { HUNTER_BASE_URL, HUNTER_STATUSES, HUNTER_WITHHELD, hunterVerdict } from './hunter';
import { callProvider, endpoint, readAnswer } from './http';
import { TransientProviderError, type EmailVerifier } from '../domain/provider';
import type { ProviderSettings } from './provider';

const VerifierAnswer = z.object({
  data: z.object({ status: z.string(), smtp_check: z.nullish(z.boolean()) }),
});

export function createHunterVerifier(settings: ProviderSettings): EmailVerifier {
  const baseUrl = settings.baseUrl ?? HUNTER_BASE_URL;
  return {
    name: 'hunter',
    async verify(email, { signal }) {
      const response = await callProvider({
        provider: 'hunter',
        url: endpoint(baseUrl, '/v2/email-verifier', { email }),
        headers: { 'x-api-key': settings.apiKey },
        signal,
        statusMeanings: HUNTER_STATUSES,
        answerStatuses: [HUNTER_WITHHELD],
      });
      if (response.status === HUNTER_WITHHELD) {
        return { verdict: 'unknown', detail: 'hunter withholds this person (personal-data restriction)' };
      }
      if (response.status === 202) throw new TransientProviderError('hunter: verification still in progress');
      if (response.status === 222) throw new TransientProviderError('hunter: the mail server did not answer');
      const { data } = readAnswer('hunter', VerifierAnswer, response.body);
      return { verdict: hunterVerdict(data.status, data.smtp_check), detail: `hunter status ${data.status}` };
    },
  };
}
