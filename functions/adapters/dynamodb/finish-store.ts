/**
 * Finishing an enrichment in DynamoDB: one transaction, conditional on the record still being pending, flips it
 * to finished with its results and trace, applies the settlement the domain computed to the account, and
 * writes the charge and release ledger entries, and adds to the account's usage counters of the day. A replay,
 * or a concurrent finish that lost the race, changes nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactRecord } from '../../domain/enrichment/contact';
import { settleCredits } from '../../domain/credits/credits';
import type { FinishInput, FinishOutcome, FinishRepository } from '../../domain/ports/finish';
import { DynamoContacts } from './contact-records';
import { keys, PENDING_INDEX, WEBHOOK_INDEX, webhookShardOf } from './keys';
import { counterAdds } from './counters';
import { creditWrites } from './credits';
import { cancellationReasons, transactWrite } from './transactions';

export class DynamoFinishStore extends DynamoContacts implements FinishRepository {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
  }

  async finish(input: FinishInput): Promise<FinishOutcome> {
    const { account_id: accountId, enrichment_id: enrichmentId } = input.record;
    const { charged } = input.settlement;
    try {
      await transactWrite(this.db, {
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.contact(accountId, enrichmentId),
              UpdateExpression:
                'SET #status = :finished, finished_at = :at, results = :results, credits_used = :used, ' +
                'charges = :charges, ' +
                'waterfall = list_append(waterfall, :steps)' +
                (input.record.webhook ? `, ${WEBHOOK_INDEX.partitionKey} = :webhookShard` : '') +
                ' REMOVE progress, ' +
                PENDING_INDEX.partitionKey,
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':finished': 'finished',
                ':pending': 'pending',
                ':at': input.finishedAt,
                ':results': input.results,
                ':steps': input.appendSteps,
                ':used': charged,
                ':charges': input.charges,
                ...(input.record.webhook ? { ':webhookShard': webhookShardOf(enrichmentId) } : {}),
              },
            },
          },
          ...creditWrites(
            this.tableName,
            accountId,
            settleCredits(input.settlement, input.finishedAt, enrichmentId),
          ),
          {
            Update: {
              TableName: this.tableName,
              Key: keys.usage(accountId, input.usage.day),
              ...counterAdds(input.usage.counters),
            },
          },
        ],
      });
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      // A concurrent finish won the race: report the record as it now stands.
      const now = await this.getContact(accountId, enrichmentId);
      if (now?.status === 'finished') return { kind: 'already_finished', record: now };
      throw error;
    }
    const record: ContactRecord = {
      ...input.record,
      status: 'finished',
      finished_at: input.finishedAt,
      results: input.results,
      waterfall: [...input.record.waterfall, ...input.appendSteps],
      credits_used: charged,
      charges: input.charges,
      progress: null,
    };
    return { kind: 'finished', record };
  }
}
