/**
 * One webhook attempt written on the item that holds the webhook (a contact or a batch): the counters and status,
 * the item's leaving the index of webhooks left to deliver once delivered or given up on, and the rule that a
 * delivered webhook stays delivered, whatever a late duplicate attempt reports.
 */
import type { WebhookAttempt } from '../../domain/ports/webhooks';
import { WEBHOOK_INDEX } from './keys';

/** The UpdateCommand parts of an attempt; `set` adds assignments of the item's own (with their `values`). */
export function webhookAttemptUpdate(
  attempt: Pick<WebhookAttempt, 'at' | 'responseStatus' | 'status'>,
  extra: { set?: string; values?: Record<string, unknown> } = {},
) {
  return {
    UpdateExpression:
      'SET webhook.attempts = webhook.attempts + :one, webhook.last_attempt_at = :at, ' +
      'webhook.last_response_status = :code, webhook.#status = :status' +
      (extra.set ? `, ${extra.set}` : '') +
      (attempt.status === 'pending' ? '' : ` REMOVE ${WEBHOOK_INDEX.partitionKey}`),
    ConditionExpression: 'attribute_exists(webhook.#status) AND webhook.#status <> :delivered',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':one': 1,
      ':at': attempt.at,
      ':code': attempt.responseStatus,
      ':status': attempt.status,
      ':delivered': 'delivered',
      ...extra.values,
    },
  };
}
