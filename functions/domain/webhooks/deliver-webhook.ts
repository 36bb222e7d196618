/**
 * Deliver a finished enrichment's webhook: one attempt per call (README "Webhooks").
 *
 * Input: the queue message (`account_id`, `enrichment_id`: a reference, never contact data) and the attempt
 * number within the current round (1-based: the queue's receive count).
 * Output: what the queue must do with the message: acknowledge it (`skipped`, `delivered`), show it again after
 * `delaySeconds` (`retry`), or dead-letter it (`failed`; the webhook is then marked failed on the record).
 *
 * Primary course:
 *  1. Load the contact record; skip it when it is missing, has no webhook or is already delivered (a duplicate
 *     queue delivery or a replayed enqueue).
 *  2. Load the account for its `whsec_…` signing secret.
 *  3. Build the body as the record stood at finish, so every attempt sends the same JSON, and sign it; the
 *     `webhook-id` is derived from the enrichment, the timestamp is the attempt's.
 *  4. POST it to the checked address of the target, redirects not followed, within the timeout.
 *  5. Judge the outcome: 2xx is delivered; 410 or a refused target gives up; anything else is retried while the
 *     schedule has attempts left (a `Retry-After` on 429/503 pushes the next attempt back), else fails.
 *  6. Record the attempt on the contact record: attempts, last attempt time and status, webhook status, and
 *     an entry in its delivery log (attempt number, time, response status, duration, error).
 */
import { toBatchWebhookBody } from '../batches/batch';
import type { Clock } from '../clock';
import { toWebhookBody } from '../enrichment/contact';
import type { AccountReader } from '../ports/accounts';
import type { BatchWebhookRepository } from '../ports/batches';
import type { SendOutcome, WebhookRepository, WebhookTransport } from '../ports/webhooks';
import { parseRetryAfter } from '../traffic/retry-after';
import { retryDelaySeconds, type RetrySchedule } from './retry-schedule';
import { signWebhook } from './webhook-signature';
import { isBatchWebhook, type BatchWebhookMessage, type QueuedWebhook } from './webhook-message';

export interface DeliverWebhookDependencies {
  webhooks: WebhookRepository;
  accounts: AccountReader;
  sender: WebhookTransport;
  clock: Clock;
  schedule: RetrySchedule;
  random?: () => number;
  /** Batches, for batch webhooks (`kind: "batch"` messages). */
  batches?: BatchWebhookRepository;
}

export interface DeliveryCommand {
  message: QueuedWebhook;
  attempt: number;
}

export type SkipReason = 'missing' | 'no_webhook' | 'not_finished' | 'already_delivered';
export type GiveUpReason = 'gone' | 'refused_target' | 'attempts_exhausted';

export type DeliveryOutcome =
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'delivered'; attempt: number; responseStatus: number }
  | { kind: 'retry'; attempt: number; delaySeconds: number; failure: string }
  | { kind: 'failed'; attempt: number; reason: GiveUpReason; failure: string };

/** Statuses whose Retry-After the contract says to honour. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** A short, data-free description of a failed attempt for logs: a status code or an error kind. */
function describe(outcome: SendOutcome): string {
  switch (outcome.kind) {
    case 'response':
      return `http_${outcome.status}`;
    case 'refused':
      return `refused_${outcome.addressClass ?? outcome.reason}`;
    case 'network_error':
      return `network_${outcome.code}`;
    default:
      return outcome.kind;
  }
}

export class DeliverWebhook {
  constructor(private readonly deps: DeliverWebhookDependencies) {}

  async execute({ message, attempt }: DeliveryCommand): Promise<DeliveryOutcome> {
    if (isBatchWebhook(message)) return this.deliverBatch(message, attempt);
    const { webhooks, accounts, sender, clock } = this.deps;
    const record = await webhooks.getContact(message.account_id, message.enrichment_id);
    if (!record) return { kind: 'skipped', reason: 'missing' };
    const webhook = record.webhook;
    if (!webhook) return { kind: 'skipped', reason: 'no_webhook' };
    // Only the record-result step enqueues, after the finish is written: a pending record is not ours to send.
    if (record.status !== 'finished') return { kind: 'skipped', reason: 'not_finished' };
    if (webhook.status === 'delivered') return { kind: 'skipped', reason: 'already_delivered' };

    const account = await accounts.getAccount(message.account_id);
    if (!account) return { kind: 'skipped', reason: 'missing' };

    const at = clock.now();
    const body = toWebhookBody(record);
    const signature = signWebhook(account.webhook_secret, message.enrichment_id, body, at);
    const sent = await sender.send({ url: webhook.url, body, headers: { ...signature } });
    const durationMs = Math.max(0, clock.now().getTime() - at.getTime());

    const outcome = this.judge(sent, attempt, at);
    const responseStatus = sent.kind === 'response' ? sent.status : null;
    await webhooks.recordWebhookAttempt(message.account_id, message.enrichment_id, {
      at: at.toISOString(),
      responseStatus,
      status: outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'pending' : 'failed',
      delivery: {
        attempt: webhook.attempts + 1,
        at: at.toISOString(),
        response_status: responseStatus,
        duration_ms: durationMs,
        error: sent.kind === 'response' ? null : describe(sent),
      },
    });
    return outcome;
  }

  /**
   * A finished batch's webhook, as steps 1 to 6 for a contact: the body is GET /batches/{id} of the finished
   * batch with each contact as at its finish, `webhook-id` is `msg_<batch_id>`, the attempt is recorded on the
   * batch.
   */
  private async deliverBatch(message: BatchWebhookMessage, attempt: number): Promise<DeliveryOutcome> {
    const { batches, accounts, sender, clock } = this.deps;
    const batch = await batches?.getBatch(message.account_id, message.batch_id);
    if (!batches || !batch) return { kind: 'skipped', reason: 'missing' };
    const webhook = batch.webhook;
    if (!webhook) return { kind: 'skipped', reason: 'no_webhook' };
    if (batch.status !== 'finished') return { kind: 'skipped', reason: 'not_finished' };
    if (webhook.status === 'delivered') return { kind: 'skipped', reason: 'already_delivered' };

    const account = await accounts.getAccount(message.account_id);
    if (!account) return { kind: 'skipped', reason: 'missing' };

    const at = clock.now();
    const body = toBatchWebhookBody(batch, await batches.getMembers(batch));
    const signature = signWebhook(account.webhook_secret, message.batch_id, body, at);
    const sent = await sender.send({ url: webhook.url, body, headers: { ...signature } });

    const outcome = this.judge(sent, attempt, at);
    await batches.recordBatchWebhookAttempt(message.account_id, message.batch_id, {
      at: at.toISOString(),
      responseStatus: sent.kind === 'response' ? sent.status : null,
      status: outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'pending' : 'failed',
    });
    return outcome;
  }

  private judge(sent: SendOutcome, attempt: number, at: Date): Exclude<DeliveryOutcome, { kind: 'skipped' }> {
    if (sent.kind === 'response' && sent.status >= 200 && sent.status < 300) {
      return { kind: 'delivered', attempt, responseStatus: sent.status };
    }
    const failure = describe(sent);
    if (sent.kind === 'refused') return { kind: 'failed', attempt, reason: 'refused_target', failure };
    if (sent.kind === 'response' && sent.status === 410) {
      return { kind: 'failed', attempt, reason: 'gone', failure };
    }
    const retryAfterSeconds =
      sent.kind === 'response' && RETRY_AFTER_STATUSES.has(sent.status)
        ? parseRetryAfter(sent.retryAfter, at)
        : undefined;
    const delaySeconds = retryDelaySeconds(this.deps.schedule, attempt, {
      retryAfterSeconds,
      random: this.deps.random,
    });
    if (delaySeconds === undefined) {
      return { kind: 'failed', attempt, reason: 'attempts_exhausted', failure };
    }
    return { kind: 'retry', attempt, delaySeconds, failure };
  }
}
