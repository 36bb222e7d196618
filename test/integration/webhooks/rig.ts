/** The delivery side as the local stack wires it: local queue → deployed deliver handler → use case → sender. */
import { systemClock } from '../../../functions/domain/clock';
import type { TargetPolicy } from '../../../functions/domain/webhooks/network-address';
import { createDeliverWebhookHandler } from '../../../functions/handlers/deliver-webhook';
import { DeliverWebhook } from '../../../functions/domain/webhooks/deliver-webhook';
import { maxAttempts, retryScheduleFrom } from '../../../functions/domain/webhooks/retry-schedule';
import { WebhookSender } from '../../../functions/adapters/webhooks/sender';
import type { Resolver } from '../../../functions/adapters/webhooks/target-guard';
import { LocalQueue } from '../../../local/local-queue';
import type { Stores } from './fixtures';

export interface DeliveryRigOptions {
  policy: TargetPolicy;
  /** Seconds before each retry (WEBHOOK_RETRY_SCHEDULE). */
  schedule: number[];
  timeoutMs?: number;
  resolve?: Resolver;
}

export function startDelivery(stores: Stores, options: DeliveryRigOptions): LocalQueue {
  const schedule = retryScheduleFrom(options.schedule);
  const queue = new LocalQueue({ maxReceiveCount: maxAttempts(schedule), visibilityTimeoutSeconds: 30 });
  const deliverWebhook = new DeliverWebhook({
    webhooks: stores.webhooks,
    accounts: stores.accounts,
    sender: new WebhookSender({
      policy: options.policy,
      resolve: options.resolve,
      timeoutMs: options.timeoutMs ?? 2_000,
    }),
    clock: systemClock,
    schedule,
  });
  queue.start(createDeliverWebhookHandler({ deliverWebhook, queue }));
  return queue;
}
