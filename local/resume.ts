/**
 * Picks up the webhooks a stopped local stack left undelivered in a table kept on disk (its in-process queue
 * ended with the process; in AWS, SQS keeps them). Pending enrichments are the sweeper's.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactRecord } from '../functions/domain/contact';
import type { WebhookQueue } from '../functions/domain/ports';

export async function resumeUndeliveredWebhooks(
  db: DynamoDBDocumentClient,
  tableName: string,
  webhooks: WebhookQueue,
): Promise<number> {
  let resumed = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          '#type IN (:contact, :batch) AND #status = :finished AND webhook.#status = :pending',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: {
          ':contact': 'contact',
          ':batch': 'batch',
          ':finished': 'finished',
          ':pending': 'pending',
        },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of (page.Items ?? []) as Array<ContactRecord & { type: string; batch_id?: string }>) {
      await webhooks.enqueue(
        item.type === 'batch'
          ? { kind: 'batch', account_id: item.account_id, batch_id: item.batch_id! }
          : { account_id: item.account_id, enrichment_id: item.enrichment_id },
      );
      resumed += 1;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return resumed;
}
