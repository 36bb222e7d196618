/**
 * Picks up work a stopped local stack left behind in a table kept on disk: enrichments still pending (their
 * in-memory executions ended with the process) and finished ones whose webhook was not yet delivered (the
 * in-process queue ended too). In AWS, Step Functions and SQS keep this work themselves.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { workflowInputOf, type ContactRecord } from '../functions/domain/contact';
import type { WebhookQueue, WorkflowStarter } from '../functions/domain/ports';

export async function resumeUnfinishedWork(
  db: DynamoDBDocumentClient,
  tableName: string,
  workflow: WorkflowStarter,
  webhooks: WebhookQueue,
): Promise<{ enrichments: number; webhooks: number }> {
  const resumed = { enrichments: 0, webhooks: 0 };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :contact AND (#status = :pending OR webhook.#status = :pending)',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: { ':contact': 'contact', ':pending': 'pending' },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of (page.Items ?? []) as ContactRecord[]) {
      if (item.status === 'pending') {
        await workflow.start(workflowInputOf(item));
        resumed.enrichments += 1;
      } else if (item.webhook?.status === 'pending') {
        await webhooks.enqueue({ account_id: item.account_id, enrichment_id: item.enrichment_id });
        resumed.webhooks += 1;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return resumed;
}
