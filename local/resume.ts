/**
 * Picks up the webhooks a stopped local stack left undelivered in a table kept on disk (its in-process queue
 * ended with the process; in AWS, SQS keeps them). Pending enrichments are the sweeper's.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listUndeliveredWebhooks } from '../functions/adapters/dynamodb/undelivered-webhooks';
import type { WebhookQueue } from '../functions/domain/ports/webhooks';

export async function resumeUndeliveredWebhooks(
  db: DynamoDBDocumentClient,
  tableName: string,
  webhooks: WebhookQueue,
): Promise<number> {
  const undelivered = await listUndeliveredWebhooks(db, tableName);
  for (const message of undelivered) await webhooks.enqueue(message);
  return undelivered.length;
}
