/** Webhooks: the queue, delivery and its attempts, resend, the HTTP transport, and the operator's redrive. */
import type { WebhookDelivery, WebhookState } from '../enrichment/contact';
import type { AddressClass } from '../webhooks/network-address';
import type { QueuedWebhook } from '../webhooks/webhook-message';
import type { ContactReader } from './contacts';

export interface WebhookQueue {
  enqueue(message: QueuedWebhook): Promise<void>;
}

export interface WebhookAttempt {
  at: string;
  responseStatus: number | null;
  status: WebhookState['status'];
  /** The attempt's entry in the record's delivery log (which keeps the last MAX_DELIVERIES_KEPT). */
  delivery: WebhookDelivery;
}

export interface WebhookRepository extends ContactReader {
  recordWebhookAttempt(accountId: string, enrichmentId: string, attempt: WebhookAttempt): Promise<void>;
}

export interface WebhookResendRepository extends ContactReader {
  /** Marks a finished record's webhook pending again (a new round); false when the record cannot take it. */
  reopenWebhook(accountId: string, enrichmentId: string): Promise<boolean>;
}

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type SendOutcome =
  /** The receiver answered (any status, 3xx included: redirects are not followed). */
  | { kind: 'response'; status: number; retryAfter: string | undefined }
  /** The target is not allowed; no connection was made. */
  | { kind: 'refused'; reason: 'invalid_url' | 'scheme' | 'address'; addressClass?: AddressClass }
  | { kind: 'unresolvable' }
  | { kind: 'timeout' }
  | { kind: 'network_error'; code: string };

/** One webhook POST to a checked target (adapters/webhooks/sender.ts). */
export interface WebhookTransport {
  send(post: WebhookPost): Promise<SendOutcome>;
}

/** What delivery needs from its queue beyond receiving and acknowledging (SQS in AWS, the local queue). */
export interface DeliveryQueue {
  /**
   * Keeps a received message hidden for `seconds` from now; it comes back (the next attempt, with a higher
   * receive count) once they pass, unless it is acknowledged first.
   */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** Puts a message whose delivery gave up before its last attempt (410, refused target) on the dead-letter queue. */
  deadLetter(body: string): Promise<void>;
}

export interface DeadLetterRedrive {
  /** Moves every dead-lettered delivery back to the queue as a new message (a new round); returns how many. */
  redriveDeadLetters(): Promise<number>;
}
