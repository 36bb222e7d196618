/**
 * Standard Webhooks signing: `webhook-signature` is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the
 * account's `whsec_…` secret. The id is derived from the enrichment, so receivers can deduplicate retries.
 */
import { Webhook } from 'standardwebhooks';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The same for every attempt and every redrive of one enrichment's webhook. */
export function webhookMessageId(enrichmentId: string): string {
  return `msg_${enrichmentId}`;
}

export function signWebhook(secret: string, enrichmentId: string, body: string, at: Date): SignatureHeaders {
  const id = webhookMessageId(enrichmentId);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
