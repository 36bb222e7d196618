/**
 * The operator's `webhooks redrive` (README "The operator CLI"): another round for dead-lettered deliveries.
 *
 * Input: the dead-letter queue behind a port (SQS in AWS, the in-process queue in the local stack).
 * Output: a JSON-able summary, `{ "redriven": <count> }`.
 *
 * Primary course:
 *  1. Move every dead-lettered message back to the delivery queue as a new message, so its receive count, and
 *     with it the attempt number, starts again at 1.
 *  2. The deliver step then runs a full round of attempts: the record's `webhook.status` turns `pending` on the
 *     first failed attempt of the round and ends `delivered` or `failed` again (`attempts` keeps counting).
 */
import type { DeadLetterRedrive } from '../ports/webhooks';

export interface RedriveSummary {
  redriven: number;
}

export async function redriveWebhooks(deadLetters: DeadLetterRedrive): Promise<RedriveSummary> {
  return { redriven: await deadLetters.redriveDeadLetters() };
}
