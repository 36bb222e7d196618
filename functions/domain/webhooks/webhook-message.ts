/** The webhook queue's messages: which enrichment or batch finished and has a webhook to deliver. */

export interface WebhookMessage {
  account_id: string;
  enrichment_id: string;
}

/** A finished batch's webhook (one queue for both: a message without `kind` is an enrichment's). */
export interface BatchWebhookMessage {
  kind: 'batch';
  account_id: string;
  batch_id: string;
}

export type QueuedWebhook = WebhookMessage | BatchWebhookMessage;

export function isBatchWebhook(message: QueuedWebhook): message is BatchWebhookMessage {
  return (message as Partial<BatchWebhookMessage>).kind === 'batch';
}

/** A webhook queue message's body: a reference, never contact data. */
export function webhookMessageBody(message: QueuedWebhook): string {
  return JSON.stringify(
    isBatchWebhook(message)
      ? { kind: 'batch', account_id: message.account_id, batch_id: message.batch_id }
      : { account_id: message.account_id, enrichment_id: message.enrichment_id },
  );
}
