/**
 * Prospeo as documented: https://prospeo.io/api-docs/enrich-person (response with `person` and `company`,
 * error codes in a 400), https://prospeo.io/api-docs/authentication (401, 429), rate-limit headers such as
 * `x-minute-reset-seconds`.
 */
import { PermanentProviderError, TransientProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

const failure = (status: number, code: string): HttpReply => ({
  status,
  json: { error: true, error_code: code },
});

/** An Enrich Person match as documented, trimmed to the person's identity and contact fields. */
export const match = (person: Record<string, unknown>) => ({
  error: false,
  free_enrichment: false,
  person: {
    person_id: 'aaaacd817619fba3d254cd64',
    first_name: 'Jane',
    last_name: 'Doe',
    full_name: 'Jane Doe',
    linkedin_url: 'https://www.linkedin.com/in/janedoe',
    current_job_title: 'Head of Ads',
    email: { status: 'UNAVAILABLE', revealed: false, email: null },
    mobile: { status: 'UNAVAILABLE', revealed: false, mobile: null },
    ...person,
  },
  company: { company_id: 'c1', name: 'Acme', website: 'acme.com' },
});

export const revealedMobile = {
  status: 'VERIFIED',
  revealed: true,
  mobile: '+1 415-555-0134',
  mobile_national: '(415) 555-0134',
  mobile_international: '+14155550134',
  mobile_country: 'United States',
  mobile_country_code: 'US',
};

const noMatch = {
  reply: failure(400, 'NO_MATCH'),
  answer: { kind: 'not_found', detail: 'no match' },
} as const;

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-key'] as string | undefined,
  answers: {
    email: {
      found: {
        reply: {
          status: 200,
          json: match({ email: { status: 'VERIFIED', revealed: true, email: 'jane.doe@acme.com' } }),
        },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: noMatch,
    },
    phone: {
      found: {
        reply: { status: 200, json: match({ mobile: revealedMobile }) },
        answer: { kind: 'phones', phones: [{ number: '+14155550134', type: 'mobile', country: 'US' }] },
      },
      notFound: noMatch,
    },
  },
  refusals: {
    badKey: { reply: failure(401, 'INVALID_API_KEY') },
    noCredits: { reply: failure(400, 'INSUFFICIENT_CREDITS') },
  },
  rateLimited: {
    withWait: () => ({ ...failure(429, 'RATE_LIMITED'), headers: { 'x-minute-reset-seconds': '17' } }),
    seconds: 17,
    withoutWait: failure(429, 'RATE_LIMITED'),
  },
  serverError: failure(500, 'INTERNAL_ERROR'),
  cases: [
    {
      case: 'INVALID_DATAPOINTS (too little to match on) as not_found',
      reply: failure(400, 'INVALID_DATAPOINTS'),
      expect: { answer: { kind: 'not_found', detail: 'too little to match on' } },
    },
    {
      case: 'INSUFFICIENT_CREDITS, saying so',
      reply: failure(400, 'INSUFFICIENT_CREDITS'),
      expect: {
        error: PermanentProviderError,
        refusal: 'out_of_credits',
        message: 'prospeo: out of credits',
      },
    },
    {
      case: 'INTERNAL_ERROR in a 400 as worth retrying',
      reply: failure(400, 'INTERNAL_ERROR'),
      expect: { error: TransientProviderError },
    },
    {
      case: 'an email not revealed as not_found',
      reply: {
        status: 200,
        json: match({ email: { status: 'VERIFIED', revealed: false, email: 'jane.doe@acme.com' } }),
      },
      expect: { answer: { kind: 'not_found', detail: 'no email revealed' } },
    },
    {
      case: 'a mobile not revealed as not_found',
      type: 'phone',
      reply: { status: 200, json: match({ mobile: { ...revealedMobile, revealed: false } }) },
      expect: { answer: { kind: 'not_found', detail: 'no mobile revealed' } },
    },
    {
      case: '402',
      reply: { status: 402, json: {} },
      expect: { error: PermanentProviderError, refusal: 'out_of_credits' },
    },
  ],
};
