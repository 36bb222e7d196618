/**
 * People Data Labs as documented: https://docs.peopledatalabs.com/docs/output-response-person-enrichment-api
 * (`{status, likelihood, data}`), /docs/errors (`{status, error: {type, message}}`), /docs/person-schema
 * (contact fields as `true`/`false` on plans without contact data), rate-limit errors and `x-ratelimit-reset`
 * (/support/troubleshooting/rate-limit-errors; its format is not shown, so the double sends a UTC date).
 */
import { PermanentProviderError, TransientProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

const error = (status: number, type: string, message: string): HttpReply => ({
  status,
  json: { status, error: { type, message } },
});

/** A Person Enrichment match as documented, trimmed to identity and contact fields. */
export const match = (data: Record<string, unknown>) => ({
  status: 200,
  likelihood: 9,
  data: {
    id: 'qEnOZ5Oh0poWnQ1luFBfVw_0000',
    full_name: 'jane doe',
    first_name: 'jane',
    last_name: 'doe',
    linkedin_url: 'linkedin.com/in/janedoe',
    mobile_phone: null,
    phone_numbers: [],
    personal_emails: [],
    recommended_personal_email: null,
    ...data,
  },
});

const noMatch = {
  reply: error(404, 'not_found', 'No records were found matching your request'),
  answer: { kind: 'not_found', detail: 'no matching profile' },
} as const;

/** "2026-05-01 12:00:30": the reset `seconds` from now, in UTC. */
const utcIn = (seconds: number) =>
  new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-api-key'] as string | undefined,
  answers: {
    phone: {
      found: {
        reply: {
          status: 200,
          json: match({ mobile_phone: '+14155550134', phone_numbers: ['+14155550199', '+14155550134'] }),
        },
        answer: {
          kind: 'phones',
          phones: [{ number: '+14155550134', type: 'mobile' }, { number: '+14155550199' }],
        },
      },
      notFound: noMatch,
    },
    personal_email: {
      found: {
        reply: {
          status: 200,
          json: match({
            recommended_personal_email: 'jane@gmail.com',
            personal_emails: ['jd@yahoo.com', 'jane@gmail.com'],
          }),
        },
        answer: { kind: 'email', email: 'jane@gmail.com' },
      },
      notFound: noMatch,
    },
  },
  refusals: {
    badKey: { reply: error(401, 'authentication_error', 'Invalid API Key') },
    noCredits: {
      reply: error(402, 'payment_required', 'You have hit your account maximum for person enrichment'),
    },
  },
  rateLimited: {
    withWait: () => ({
      ...error(429, 'rate_limit_error', 'Rate limit exceeded'),
      headers: { 'x-ratelimit-reset': utcIn(30) },
    }),
    seconds: 30,
    withoutWait: error(429, 'rate_limit_error', 'Rate limit exceeded'),
  },
  serverError: error(500, 'error', 'Internal server error'),
  cases: [
    {
      case: 'phones given as booleans (a plan without contact data) as a plan that lacks them',
      type: 'phone',
      reply: { status: 200, json: match({ mobile_phone: true, phone_numbers: true }) },
      expect: {
        error: PermanentProviderError,
        refusal: 'bad_key',
        message: 'peopledatalabs: plan lacks contact fields',
      },
    },
    {
      case: 'personal emails given as booleans as a plan that lacks them',
      type: 'personal_email',
      reply: { status: 200, json: match({ recommended_personal_email: false, personal_emails: [true] }) },
      expect: {
        error: PermanentProviderError,
        refusal: 'bad_key',
        message: 'peopledatalabs: plan lacks contact fields',
      },
    },
    {
      case: 'a Retry-After before its own reset header',
      reply: {
        ...error(429, 'rate_limit_error', 'Rate limit exceeded'),
        headers: { 'retry-after': '7', 'x-ratelimit-reset': utcIn(30) },
      },
      expect: { error: TransientProviderError, retryAfter: 7 },
    },
    {
      case: 'a match without data',
      reply: { status: 200, json: { status: 200 } },
      expect: { error: PermanentProviderError },
    },
  ],
};
