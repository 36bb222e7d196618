/**
 * Hunter as documented: https://hunter.io/api-documentation/v2 (Email Finder and Email Verifier responses,
 * errors `{"errors": [{"id", "code", "details"}]}`; 403 rate limit, 429 usage limit, 451 withheld person).
 */
import { PermanentProviderError, TransientProviderError } from '../../../../functions/providers/provider';
import type { ProviderDouble, HttpReply, VerifierDouble } from '../fake-provider-server';

const error = (status: number, id: string, details: string): HttpReply => ({
  status,
  json: { errors: [{ id, code: status, details }] },
});

/** An Email Finder answer as documented (Jane Doe at acme.com). */
export const finderAnswer = (email: string | null, status: string | null) => ({
  data: {
    first_name: 'Jane',
    last_name: 'Doe',
    email,
    score: email ? 97 : null,
    domain: 'acme.com',
    accept_all: false,
    position: null,
    twitter: null,
    linkedin_url: 'https://www.linkedin.com/in/janedoe',
    phone_number: null,
    company: 'Acme',
    sources: [],
    verification: { date: status ? '2024-05-01' : null, status },
  },
  meta: {
    params: { first_name: 'Jane', last_name: 'Doe', full_name: null, domain: 'acme.com', company: null },
  },
});

/** An Email Verifier answer as documented. */
export const verification = (status: string, smtpCheck: boolean) => ({
  data: {
    status,
    result: status === 'valid' ? 'deliverable' : 'risky',
    score: 90,
    email: 'jane.doe@acme.com',
    regexp: true,
    gibberish: false,
    disposable: status === 'disposable',
    webmail: status === 'webmail',
    mx_records: true,
    smtp_server: true,
    smtp_check: smtpCheck,
    accept_all: status === 'accept_all',
    block: false,
    sources: [],
  },
  meta: { params: { email: 'jane.doe@acme.com' } },
});

const refusals = {
  badKey: { reply: error(401, 'authentication_failed', 'No user found for the API key supplied') },
  noCredits: { reply: error(429, 'too_many_requests', 'You have reached your monthly usage limit') },
};

const rateLimited = {
  // Hunter's rate limit is a 403; it documents no wait, so the test sends the standard Retry-After.
  withWait: () => ({
    ...error(403, 'too_many_requests', 'Rate limit reached'),
    headers: { 'retry-after': '2' },
  }),
  seconds: 2,
  withoutWait: error(403, 'too_many_requests', 'Rate limit reached'),
};

export const provider: ProviderDouble = {
  key: (request) => request.headers['x-api-key'] as string | undefined,
  answers: {
    email: {
      found: {
        reply: { status: 200, json: finderAnswer('jane.doe@acme.com', 'valid') },
        answer: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
      },
      notFound: {
        reply: { status: 200, json: finderAnswer(null, null) },
        answer: { kind: 'not_found', detail: 'no email found' },
      },
    },
  },
  refusals,
  rateLimited,
  serverError: { status: 500, text: 'oops' },
  cases: [
    {
      case: '451 (a person Hunter was asked not to process) as not_found',
      reply: error(
        451,
        'unavailable_for_legal_reasons',
        'The person behind this request asked us not to process their data',
      ),
      expect: { answer: { kind: 'not_found', detail: 'withheld by Hunter (personal-data restriction)' } },
    },
    {
      case: '404 as not_found',
      reply: error(404, 'not_found', 'The requested resource could not be found'),
      expect: { answer: { kind: 'not_found', detail: 'no email found' } },
    },
    {
      case: '402 as out of credits',
      reply: { status: 402, json: {} },
      expect: { error: PermanentProviderError, refusal: 'out_of_credits' },
    },
    {
      case: 'a 429 Retry-After as no reason to retry the used-up quota',
      reply: { ...refusals.noCredits.reply, headers: { 'retry-after': '60' } },
      expect: { error: PermanentProviderError, refusal: 'out_of_credits' },
    },
    {
      case: 'an email that is not a string',
      reply: { status: 200, json: { data: { email: 42 } } },
      expect: { error: PermanentProviderError },
    },
  ],
};

export const verifier: VerifierDouble = {
  key: (request) => request.headers['x-api-key'] as string | undefined,
  verdicts: [
    {
      reply: { status: 200, json: verification('valid', true) },
      answer: { verdict: 'valid', detail: 'hunter status valid' },
    },
    {
      reply: { status: 200, json: verification('invalid', false) },
      answer: { verdict: 'invalid', detail: 'hunter status invalid' },
    },
  ],
  refusals,
  rateLimited,
  serverError: { status: 502, text: 'Bad Gateway' },
  cases: [
    {
      case: '451 (a person Hunter was asked not to process) as unknown',
      reply: error(
        451,
        'unavailable_for_legal_reasons',
        'The person behind this request asked us not to process their data',
      ),
      expect: {
        answer: { verdict: 'unknown', detail: 'hunter withholds this person (personal-data restriction)' },
      },
    },
    {
      case: '202 (still verifying)',
      reply: { status: 202, json: {} },
      expect: { error: TransientProviderError },
    },
    {
      case: '222 (mail server failed)',
      reply: { status: 222, json: {} },
      expect: { error: TransientProviderError },
    },
  ],
};
