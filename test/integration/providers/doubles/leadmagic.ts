/**
 * LeadMagic as documented: its OpenAPI definition (github.com/LeadMagic/leadmagic-openapi,
 * leadmagic-openapi-3.1.yaml: Email Finder, Mobile Finder, Personal Email Finder responses) and errors
 * (https://leadmagic.io/docs/api-reference/errors: RFC 9457 bodies; 401 key, 402 credits, 429 Retry-After).
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

const problem = (status: number, code: string, title: string): HttpReply => ({
  status,
  json: {
    success: false,
    errors: [
      {
        type: `https://api.leadmagic.io/errors/${code}`,
        title,
        status,
        code,
        docs: 'https://leadmagic.io/docs/api-reference/errors',
      },
    ],
    meta: { request_id: '6f1c2e0a-0000-4000-8000-000000000000', timestamp: '2024-02-01T12:00:00.000Z' },
  },
});

export const emailFound = (email: string | null, status: string) => ({
  email,
  status,
  credits_consumed: email ? 1 : 0,
  message: email ? 'Valid email found.' : 'No email found.',
  first_name: 'Jane',
  last_name: 'Doe',
  domain: 'acme.com',
  is_domain_catch_all: status === 'valid_catch_all',
  mx_record: 'acme-com.mail.protection.outlook.com',
  mx_provider: 'Microsoft 365',
  mx_security_gateway: false,
  company_name: 'Acme',
  company_industry: 'Computer Software',
  company_size: '51-200',
});

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-api-key'] as string | undefined,
  answers: {
    email: {
      found: {
        reply: { status: 200, json: emailFound('jane.doe@acme.com', 'valid') },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 200, json: emailFound(null, 'not_found') },
        answer: { kind: 'not_found', detail: 'no email found' },
      },
    },
    phone: {
      found: {
        reply: {
          status: 200,
          json: { message: 'Mobile found', credits_consumed: 5, mobile_number: '+14155550134' },
        },
        answer: { kind: 'phones', phones: [{ number: '+14155550134', type: 'mobile' }] },
      },
      notFound: {
        reply: {
          status: 200,
          json: { message: 'mobile not found', credits_consumed: 0, mobile_number: null },
        },
        answer: { kind: 'not_found', detail: 'no mobile found' },
      },
    },
    personal_email: {
      found: {
        reply: {
          status: 200,
          json: {
            personal_email: 'jane@gmail.com',
            status: 'found',
            credits_consumed: 2,
            message: 'Personal email found',
          },
        },
        answer: { kind: 'email', email: 'jane@gmail.com' },
      },
      notFound: {
        reply: {
          status: 200,
          json: {
            personal_email: null,
            status: 'not_found',
            credits_consumed: 0,
            message: 'Personal email not found',
          },
        },
        answer: { kind: 'not_found', detail: 'no personal email found' },
      },
    },
  },
  refusals: {
    badKey: { reply: problem(401, 'unauthorized', 'API key is missing or invalid.') },
    noCredits: { reply: problem(402, 'credits_exhausted', 'Not enough credits.') },
  },
  rateLimited: {
    withWait: () => ({
      ...problem(429, 'rate_limited', 'Too many requests.'),
      headers: { 'retry-after': '4' },
    }),
    seconds: 4,
    withoutWait: problem(429, 'rate_limited', 'Too many requests.'),
  },
  serverError: problem(500, 'internal_error', 'Internal server error.'),
  cases: [
    {
      case: 'a valid email on a catch-all domain as catch_all',
      reply: { status: 200, json: emailFound('jane.doe@acme.com', 'valid_catch_all') },
      expect: { answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'catch_all' } },
    },
    {
      case: '403 (a plan without the feature) as a key that cannot serve it',
      reply: problem(403, 'plan_required', 'This feature is not available on your plan.'),
      expect: { error: PermanentProviderError, refusal: 'bad_key' },
    },
  ],
};
