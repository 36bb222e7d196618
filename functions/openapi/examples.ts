/** The examples the document shows: one contact, followed through its enrichment, its webhook and its batch. */
import type { AcceptedResponse, ContactView, WebhookView } from '../domain/enrichment/contact';
import type { LedgerPage } from '../domain/credits/ledger';
import type { AccountUsage } from '../domain/usage/account-usage';

export const EXAMPLE_ID = '01K9ZQ3W8D6X4V2N7C5B1M0HJT';
export const EXAMPLE_BATCH_ID = '01K9ZQ3W8C2R7T5Y9V3H1N0PAS';
const EXAMPLE_AT = '2026-11-02T09:30:00.000Z';
const EXAMPLE_FINISHED_AT = '2026-11-02T09:30:01.250Z';

export const EXAMPLE_REQUEST = {
  firstname: 'Jane',
  lastname: 'Doe',
  domain: 'acme.com',
  linkedin_url: 'https://www.linkedin.com/in/jane-doe',
  enrichment_type: ['email', 'phone'],
  phone_country_codes: ['FR'],
  webhook_url: 'https://crm.example.com/hooks/enrichment',
  custom: { crm_id: '42' },
};

export const EXAMPLE_ACCEPTED: AcceptedResponse = {
  enrichment_id: EXAMPLE_ID,
  firstname: 'Jane',
  lastname: 'Doe',
  status: 'pending',
  custom: { crm_id: '42' },
};

export const EXAMPLE_WEBHOOK: WebhookView = {
  url: 'https://crm.example.com/hooks/enrichment',
  status: 'delivered',
  attempts: 2,
  last_attempt_at: '2026-11-02T09:31:02.000Z',
  last_response_status: 200,
  deliveries: [
    { attempt: 1, at: '2026-11-02T09:30:01.400Z', response_status: 503, duration_ms: 48, error: null },
    { attempt: 2, at: '2026-11-02T09:31:02.000Z', response_status: 200, duration_ms: 35, error: null },
  ],
};

export const EXAMPLE_CONTACT: ContactView = {
  enrichment_id: EXAMPLE_ID,
  status: 'finished',
  firstname: 'Jane',
  lastname: 'Doe',
  company_name: null,
  domain: 'acme.com',
  linkedin_url: 'https://www.linkedin.com/in/jane-doe',
  enrichment_type: ['email', 'phone'],
  phone_country_codes: ['FR'],
  providers: null,
  max_credits: null,
  accept_catch_all: null,
  custom: { crm_id: '42' },
  created_at: EXAMPLE_AT,
  finished_at: EXAMPLE_FINISHED_AT,
  results: {
    email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'hunter' },
    phones: [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'prospeo' }],
  },
  feedback: null,
  credits_used: 11,
  credits_refunded: 0,
  waterfall: [
    { type: 'email', provider: 'hunter', outcome: 'found', duration_ms: 412, detail: null },
    { type: 'phone', provider: 'prospeo', outcome: 'not_found', duration_ms: 380, detail: null },
    { type: 'phone', provider: 'contactout', outcome: 'found', duration_ms: 655, detail: null },
  ],
  webhook: EXAMPLE_WEBHOOK,
};

/** The webhook body: the record as it stood at finish. */
export const EXAMPLE_WEBHOOK_BODY: ContactView = {
  ...EXAMPLE_CONTACT,
  webhook: {
    ...EXAMPLE_WEBHOOK,
    status: 'pending',
    attempts: 0,
    last_attempt_at: null,
    last_response_status: null,
    deliveries: [],
  },
};

/** A feedback: the email bounced, the phone connected. */
export const EXAMPLE_FEEDBACK_REQUEST = {
  email: 'bounced',
  phones: [{ number: '+33612345678', outcome: 'connected' }],
};

const EXAMPLE_FEEDBACK_AT = '2026-11-05T14:12:00.000Z';

/** The record after that feedback: the email's credit given back. */
export const EXAMPLE_CONTACT_WITH_FEEDBACK: ContactView = {
  ...EXAMPLE_CONTACT,
  feedback: {
    email: { outcome: 'bounced', at: EXAMPLE_FEEDBACK_AT },
    phones: [{ number: '+33612345678', outcome: 'connected', at: EXAMPLE_FEEDBACK_AT }],
  },
  credits_refunded: 1,
};

export const EXAMPLE_BATCH = {
  batch_id: EXAMPLE_BATCH_ID,
  status: 'finished',
  custom: { import: 'november' },
  created_at: EXAMPLE_AT,
  finished_at: EXAMPLE_FINISHED_AT,
  counts: { total: 1, pending: 0, finished: 1 },
  credits_used: 11,
  contacts: [{ ...EXAMPLE_CONTACT, custom: {}, webhook: undefined }],
};

export const EXAMPLE_LEDGER: LedgerPage = {
  entries: [
    {
      at: EXAMPLE_FEEDBACK_AT,
      kind: 'refund',
      balance_delta: 1,
      reserved_delta: 0,
      enrichment_id: EXAMPLE_ID,
    },
    {
      at: EXAMPLE_FINISHED_AT,
      kind: 'charge',
      balance_delta: -11,
      reserved_delta: 0,
      enrichment_id: EXAMPLE_ID,
    },
    {
      at: EXAMPLE_FINISHED_AT,
      kind: 'release',
      balance_delta: 0,
      reserved_delta: -11,
      enrichment_id: EXAMPLE_ID,
    },
    { at: EXAMPLE_AT, kind: 'reserve', balance_delta: 0, reserved_delta: 11, enrichment_id: EXAMPLE_ID },
    {
      at: '2026-11-01T08:00:00.000Z',
      kind: 'grant',
      balance_delta: 1000,
      reserved_delta: 0,
      enrichment_id: null,
    },
  ],
  next_cursor: null,
};

export const EXAMPLE_USAGE: AccountUsage = {
  from: '2026-12-01',
  to: '2026-12-06',
  enrichments: 12,
  credits_charged: 25,
  credits_refunded: 1,
  types: {
    email: {
      requested: 12,
      found: 9,
      credits: 9,
      by_provider: { hunter: { found: 6, credits: 6 }, cache: { found: 3, credits: 3 } },
    },
    phone: { requested: 2, found: 1, credits: 10, by_provider: { prospeo: { found: 1, credits: 10 } } },
    personal_email: {
      requested: 3,
      found: 2,
      credits: 6,
      by_provider: { leadmagic: { found: 2, credits: 6 } },
    },
  },
};
