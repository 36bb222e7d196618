import type { Account } from '../../../functions/domain/accounts/accounts';
import type { ContactRecord } from '../../../functions/domain/enrichment/contact';
import type { WebhookAttempt } from '../../../functions/domain/ports/webhooks';
import { DeliverWebhook } from '../../../functions/domain/webhooks/deliver-webhook';
import { retryScheduleFrom } from '../../../functions/domain/webhooks/retry-schedule';
import type { SendOutcome } from '../../../functions/domain/ports/webhooks';

const NOW = new Date('2026-03-01T12:00:00Z');

function finished(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    account_id: 'A1',
    enrichment_id: 'E1',
    status: 'finished',
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: null,
    domain: 'acme.com',
    linkedin_url: null,
    enrichment_type: ['email'],
    phone_country_codes: null,
    custom_json: '{}',
    use_cache: null,
    providers: null,
    max_credits: null,
    accept_catch_all: null,
    created_at: NOW.toISOString(),
    finished_at: NOW.toISOString(),
    results: { email: null },
    credits_reserved: 1,
    credits_used: 0,
    waterfall: [],
    webhook: {
      url: 'https://hooks.example.com/x',
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_response_status: null,
    },
    ...overrides,
  };
}

function rig(record: ContactRecord | undefined, sent: SendOutcome) {
  const attempts: WebhookAttempt[] = [];
  const send = jest.fn(async () => sent);
  const deliver = new DeliverWebhook({
    webhooks: {
      getContact: async () => record,
      recordWebhookAttempt: async (_account, _enrichment, attempt) => {
        attempts.push(attempt);
      },
    },
    accounts: {
      getAccount: async () => ({ webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) as Account,
    },
    sender: { send },
    clock: { now: () => NOW },
    schedule: retryScheduleFrom([10, 20]),
  });
  const run = (attempt = 1) =>
    deliver.execute({ message: { account_id: 'A1', enrichment_id: 'E1' }, attempt });
  return { attempts, send, run };
}

const response = (status: number, retryAfter?: string): SendOutcome => ({
  kind: 'response',
  status,
  retryAfter,
});

describe('Class: DeliverWebhook', () => {
  it('records a 2xx as delivered', async () => {
    // Prepare
    const { attempts, run } = rig(finished(), response(202));

    // Act
    const outcome = await run();

    // Assess
    expect(outcome).toEqual({ kind: 'delivered', attempt: 1, responseStatus: 202 });
    expect(attempts).toEqual([
      {
        at: NOW.toISOString(),
        responseStatus: 202,
        status: 'delivered',
        delivery: { attempt: 1, at: NOW.toISOString(), response_status: 202, duration_ms: 0, error: null },
      },
    ]);
  });

  it.each([
    ['a 400', response(400), 'http_400'],
    ['a 500', response(500, '3600'), 'http_500'],
    ['a timeout', { kind: 'timeout' } as SendOutcome, 'timeout'],
    [
      'a refused connection',
      { kind: 'network_error', code: 'ECONNREFUSED' } as SendOutcome,
      'network_ECONNREFUSED',
    ],
    ['a name that does not resolve', { kind: 'unresolvable' } as SendOutcome, 'unresolvable'],
  ])('retries after %s on the schedule, keeping the webhook pending', async (_name, sent, failure) => {
    // Prepare
    const { attempts, run } = rig(finished(), sent);

    // Act
    const outcome = await run(2);

    // Assess
    expect(outcome).toEqual({ kind: 'retry', attempt: 2, delaySeconds: 20, failure });
    expect(attempts[0]).toMatchObject({ status: 'pending' });
    expect(attempts[0]!.delivery.error).toBe(sent.kind === 'response' ? null : failure);
  });

  it.each([
    ['429', response(429, '120'), 120],
    ['503', response(503, 'Sun, 01 Mar 2026 12:05:00 GMT'), 300],
  ])('honours the Retry-After of a %s', async (_status, sent, delaySeconds) => {
    // Prepare
    const { run } = rig(finished(), sent);

    // Act
    const outcome = await run(1);

    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', delaySeconds });
  });

  it('fails on the last attempt, with the response status recorded', async () => {
    // Prepare
    const { attempts, run } = rig(finished(), response(503, '5'));

    // Act
    const outcome = await run(3);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'attempts_exhausted' });
    expect(attempts).toEqual([
      expect.objectContaining({ at: NOW.toISOString(), responseStatus: 503, status: 'failed' }),
    ]);
  });

  it.each([
    ['410 Gone', response(410), 'gone', 410],
    [
      'a refused target',
      { kind: 'refused', reason: 'address', addressClass: 'private' } as SendOutcome,
      'refused_target',
      null,
    ],
  ])('gives up at once on %s, logging why', async (_name, sent, reason, responseStatus) => {
    // Prepare
    const { attempts, run } = rig(finished(), sent);

    // Act
    const outcome = await run(1);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', attempt: 1, reason });
    expect(attempts).toEqual([
      {
        at: NOW.toISOString(),
        responseStatus,
        status: 'failed',
        delivery: {
          attempt: 1,
          at: NOW.toISOString(),
          response_status: responseStatus,
          duration_ms: 0,
          error: responseStatus === null ? 'refused_private' : null,
        },
      },
    ]);
  });

  it.each([
    ['missing', undefined],
    ['no_webhook', finished({ webhook: null })],
    ['not_finished', finished({ status: 'pending' })],
    [
      'already_delivered',
      finished({
        webhook: {
          url: 'https://hooks.example.com/x',
          status: 'delivered',
          attempts: 1,
          last_attempt_at: NOW.toISOString(),
          last_response_status: 200,
        },
      }),
    ],
  ])('skips a record that is %s without sending or recording', async (reason, record) => {
    // Prepare
    const { attempts, send, run } = rig(record, response(200));

    // Act
    const outcome = await run();

    // Assess
    expect(outcome).toEqual({ kind: 'skipped', reason });
    expect(send).not.toHaveBeenCalled();
    expect(attempts).toEqual([]);
  });

  it('numbers each attempt of the log after those already made, across rounds', async () => {
    // Prepare
    const { attempts, run } = rig(
      finished({
        webhook: {
          url: 'https://hooks.example.com/x',
          status: 'pending',
          attempts: 8,
          last_attempt_at: NOW.toISOString(),
          last_response_status: 500,
        },
      }),
      response(200),
    );

    // Act
    await run(1);

    // Assess
    expect(attempts[0]!.delivery).toMatchObject({ attempt: 9, response_status: 200 });
  });

  it('sends the record as it stood at finish, signed, whatever attempts came before', async () => {
    // Prepare
    const record = finished({
      webhook: {
        url: 'https://hooks.example.com/x',
        status: 'failed',
        attempts: 8,
        last_attempt_at: NOW.toISOString(),
        last_response_status: 500,
      },
    });
    const { send, run } = rig(record, response(200));

    // Act
    await run(1);

    // Assess
    const post = (
      send.mock.calls[0] as unknown as [{ url: string; body: string; headers: Record<string, string> }]
    )[0];
    expect(post.url).toBe('https://hooks.example.com/x');
    expect(JSON.parse(post.body).webhook).toEqual({
      url: 'https://hooks.example.com/x',
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_response_status: null,
      deliveries: [],
    });
    expect(post.headers).toEqual({
      'webhook-id': 'msg_E1',
      'webhook-timestamp': String(NOW.getTime() / 1000),
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
  });
});
