/**
 * ContactOut as documented: https://api.contactout.com/#from-linkedin-profile (Contact Info API: the profile's
 * emails and phones, `{"status_code": 404, "message": "Not Found"}` when empty), #errors (400 bad credentials,
 * 401 bad request, 403 out of credits or no access, 429 with `retry-after`).
 */
import { PermanentProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply } from '../fake-provider-server';

const message = (status: number, text: string): HttpReply => ({
  status,
  json: { status_code: status, message: text },
});

/** A Contact Info answer as documented. */
export const profile = (fields: Record<string, unknown>) => ({
  status_code: 200,
  profile: {
    url: 'https://www.linkedin.com/in/janedoe',
    email: [],
    work_email: [],
    work_email_status: {},
    personal_email: [],
    phone: [],
    github: [],
    ...fields,
  },
});

const notFound = {
  reply: message(404, 'Not Found'),
  answer: { kind: 'not_found', detail: 'profile not found' },
} as const;

export const provider: ProviderDouble = {
  key: (request) => request.headers.token as string | undefined,
  answers: {
    phone: {
      found: {
        reply: { status: 200, json: profile({ phone: ['+33 6 12 34 56 78', '+14155550134'] }) },
        answer: { kind: 'phones', phones: [{ number: '+33 6 12 34 56 78' }, { number: '+14155550134' }] },
      },
      notFound,
    },
    personal_email: {
      found: {
        reply: { status: 200, json: profile({ personal_email: ['jane@gmail.com', 'jd@yahoo.com'] }) },
        answer: { kind: 'email', email: 'jane@gmail.com' },
      },
      notFound,
    },
  },
  refusals: {
    badKey: { reply: message(400, 'Bad credentials or invalid headers') },
    noCredits: { reply: message(403, "You're out of credits, please email your sales manager") },
  },
  rateLimited: {
    withWait: () => ({ ...message(429, 'Rate limit reached'), headers: { 'retry-after': '30' } }),
    seconds: 30,
    withoutWait: message(429, 'Rate limit reached'),
  },
  serverError: { status: 500, text: 'Server Error' },
  cases: [
    {
      case: '401 (bad request or invalid input) as permanent, not a bad key',
      reply: message(401, 'Bad request or invalid input'),
      expect: { error: PermanentProviderError, message: 'contactout: request refused (HTTP 401)' },
    },
    {
      case: '403 without access to the endpoint as a key that cannot serve it',
      reply: message(403, 'No access to endpoint'),
      expect: { error: PermanentProviderError, refusal: 'bad_key' },
    },
    {
      case: 'an empty profile list as not_found',
      type: 'personal_email',
      reply: { status: 200, json: { status_code: 200, profile: [] } },
      expect: { answer: { kind: 'not_found', detail: 'no personal email on the profile' } },
    },
    {
      case: 'an empty result in a 200 as not_found',
      reply: { status: 200, json: { status_code: 404, message: 'Not Found' } },
      expect: { answer: { kind: 'not_found', detail: 'profile not found' } },
    },
    {
      case: 'a profile without phones as not_found',
      reply: { status: 200, json: profile({}) },
      expect: { answer: { kind: 'not_found', detail: 'no phone on the profile' } },
    },
  ],
};
