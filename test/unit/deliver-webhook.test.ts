/**
 * DeliverWebhook as a specification, with plain fakes (the record, the account, a transport answering as the
 * receiver would): one attempt per call, delivered on 2xx, retried on the schedule on 5xx and timeouts (a
 * receiver's Retry-After on 429/503 pushes the retry back), failed on 410 and once the attempts are spent,
 * skipped once delivered; every attempt is signed as Standard Webhooks verifies and recorded on the record.
 */
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../functions/domain/accounts/accounts';
import type { ContactRecord, WebhookState } from '../../functions/domain/enrichment/contact';
import type { SendOutcome, WebhookAttempt, WebhookPost } from '../../functions/domain/ports/webhooks';
import { DeliverWebhook } from '../../functions/domain/webhooks/deliver-webhook';
import type { RetrySchedule } from '../../functions/domain/webhooks/retry-schedule';
import { account, clockAt, contactRecord, FakeAccounts, NOW, pendingWebhook } from './fakes';

const ID = '01KB0000000000000000000001';
const MESSAGE = { account_id: 'A1', enrichment_id: ID };
/** Three attempts: a minute, then five, apart. */
const SCHEDULE: RetrySchedule = { delaysSeconds: [60, 300], jitter: 0 };

function finishedRecord(webhook: Partial<WebhookState> = {}): ContactRecord {
  return contactRecord({
    status: 'finished',
    finished_at: NOW.toISOString(),
    progress: null,
    results: { phones: [] },
    webhook: pendingWebhook(webhook),
  });
}

function rig(record: ContactRecord, answer: SendOutcome, at: Date = NOW) {
  const accounts = new FakeAccounts(account());
  const posts: WebhookPost[] = [];
  const attempts: WebhookAttempt[] = [];
  const deliver = new DeliverWebhook({
    webhooks: {
      getContact: async () => record,
      recordWebhookAttempt: async (_account, _id, attempt) => void attempts.push(attempt),
    },
    accounts,
    sender: { send: async (post) => (posts.push(post), answer) },
    clock: clockAt(at),
    schedule: SCHEDULE,
  });
  return { deliver, posts, attempts, secret: accounts.current.webhook_secret };
}

const response = (status: number, retryAfter?: string): SendOutcome => ({
  kind: 'response',
  status,
  retryAfter,
});

describe('Class: DeliverWebhook', () => {
  it('delivers on a 2xx, signed as Standard Webhooks verifies, and records the attempt', async () => {
    // Prepare: a second round (a resend), so the log's attempt number follows the four before it.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const record = finishedRecord({ attempts: 4, status: 'pending' });
    const { deliver, posts, attempts, secret } = rig(record, response(204), at);

    // Act
    const outcome = await deliver.execute({ message: MESSAGE, attempt: 1 });

    // Assess
    expect(outcome).toEqual({ kind: 'delivered', attempt: 1, responseStatus: 204 });
    const [post] = posts;
    expect(post?.url).toBe('https://crm.example.com/hooks');
    expect(post?.headers).toEqual({
      'webhook-id': `msg_${ID}`,
      'webhook-timestamp': String(at.getTime() / 1000),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    const body = new Webhook(secret).verify(post!.body, post!.headers) as Record<string, unknown>;
    expect(body).toMatchObject({ enrichment_id: ID, status: 'finished', results: { phones: [] } });
    expect(body.webhook).toMatchObject({ status: 'pending', attempts: 0, deliveries: [] });
    expect(() => new Webhook(newWebhookSecret()).verify(post!.body, post!.headers)).toThrow();
    expect(attempts).toEqual([
      {
        at: at.toISOString(),
        responseStatus: 204,
        status: 'delivered',
        delivery: { attempt: 5, at: at.toISOString(), response_status: 204, duration_ms: 0, error: null },
      },
    ]);
  });

  it.each([
    ['a 5xx', response(500), 'http_500'],
    ['a timeout', { kind: 'timeout' } as SendOutcome, 'timeout'],
    [
      'a refused connection',
      { kind: 'network_error', code: 'ECONNREFUSED' } as SendOutcome,
      'network_ECONNREFUSED',
    ],
    ['a 500, whose Retry-After is not honoured', response(500, '3600'), 'http_500'],
  ])('retries after %s on the schedule, keeping the webhook pending', async (_, answer, failure) => {
    // Prepare
    const { deliver, attempts } = rig(finishedRecord(), answer);

    // Act
    const outcome = await deliver.execute({ message: MESSAGE, attempt: 2 });

    // Assess
    expect(outcome).toEqual({ kind: 'retry', attempt: 2, delaySeconds: 300, failure });
    expect(attempts.map((a) => [a.status, a.delivery.error])).toEqual([
      ['pending', answer.kind === 'response' ? null : failure],
    ]);
  });

  it.each([
    ['429 with delay-seconds', response(429, '900'), 900],
    ['503 with an HTTP-date', response(503, new Date(NOW.getTime() + 1200_000).toUTCString()), 1200],
    ['429 asking for less than the schedule', response(429, '5'), 60],
  ])("honours the receiver's Retry-After on a %s", async (_, answer, delaySeconds) => {
    // Prepare
    const { deliver } = rig(finishedRecord(), answer);

    // Act
    const outcome = await deliver.execute({ message: MESSAGE, attempt: 1 });

    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', delaySeconds });
  });

  it.each([
    ['on 410 Gone, at once', response(410), 1, 'gone'],
    ['when the last attempt fails', response(502), 3, 'attempts_exhausted'],
  ])('fails %s, marking the webhook failed', async (_, answer, attempt, reason) => {
    // Prepare
    const { deliver, attempts } = rig(finishedRecord(), answer);

    // Act
    const outcome = await deliver.execute({ message: MESSAGE, attempt });

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', attempt, reason });
    expect(attempts.map((a) => a.status)).toEqual(['failed']);
  });

  it('skips a webhook already delivered: nothing sent, nothing recorded', async () => {
    // Prepare
    const { deliver, posts, attempts } = rig(
      finishedRecord({ status: 'delivered', attempts: 1 }),
      response(200),
    );

    // Act
    const outcome = await deliver.execute({ message: MESSAGE, attempt: 1 });

    // Assess
    expect(outcome).toEqual({ kind: 'skipped', reason: 'already_delivered' });
    expect(posts).toEqual([]);
    expect(attempts).toEqual([]);
  });
});
