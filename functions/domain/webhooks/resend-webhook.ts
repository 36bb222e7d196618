/**
 * Resend a finished enrichment's webhook (POST /contacts/{id}/webhook/resend, and the operator's
 * `npm run admin -- webhooks resend`): a new delivery round, for a receiver that missed the first one.
 *
 * Input: the account and the enrichment id.
 * Output: the record's webhook state, pending again.
 *
 * Primary course:
 *  1. Load the record of this account; anything else (another account's id, garbage) is 404.
 *  2. A pending enrichment (its first round has not started) or one without a `webhook_url` cannot be
 *     resent: 409 invalid_state.
 *  3. Mark the webhook pending again, so the deliver step does not skip it as delivered, and queue it. Each
 *     attempt then sends the stored body (the record as it stood at finish) with the same `webhook-id` and a
 *     fresh timestamp and signature; the attempts go on counting in the delivery log.
 */
import { toWebhookView, type WebhookView } from '../enrichment/contact';
import { InvalidStateError } from '../errors';
import { getContact } from '../enrichment/get-contact';
import type { WebhookQueue, WebhookResendRepository } from '../ports/webhooks';

export interface ResendWebhookDependencies {
  webhooks: WebhookResendRepository;
  queue: WebhookQueue;
}

export interface ResentWebhook {
  enrichment_id: string;
  webhook: WebhookView;
}

export class ResendWebhook {
  constructor(private readonly deps: ResendWebhookDependencies) {}

  async execute(accountId: string, enrichmentId: string): Promise<ResentWebhook> {
    const { webhooks, queue } = this.deps;
    const record = await getContact(webhooks, accountId, enrichmentId);
    if (!record.webhook) {
      throw new InvalidStateError('This enrichment has no webhook_url, so there is no webhook to resend.');
    }
    if (record.status !== 'finished' || !(await webhooks.reopenWebhook(accountId, enrichmentId))) {
      throw new InvalidStateError('This enrichment is still pending: its webhook is sent when it finishes.');
    }
    await queue.enqueue({ account_id: accountId, enrichment_id: enrichmentId });
    return {
      enrichment_id: enrichmentId,
      webhook: toWebhookView({ ...record.webhook, status: 'pending' }),
    };
  }
}
