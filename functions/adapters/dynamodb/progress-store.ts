/**
 * The waterfall's progress on the record: each provider step appends its trace and, when it found something,
 * the type's result, in one conditional update that only applies while the record is pending (so nothing is
 * added to a finished or erased record). Parallel types update different keys of the same maps.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resultKeyOf } from '../../domain/enrichment/contact';
import type { EnrichmentType } from '../../domain/enrichment/enrichment-request';
import type {
  CreditHolds,
  HoldOutcome,
  ProgressRepository,
  ProgressUpdate,
} from '../../domain/ports/progress';
import { DynamoContacts } from './contact-records';
import { keys } from './keys';
import { isConditionFailure } from './transactions';

export class DynamoProgressStore extends DynamoContacts implements ProgressRepository, CreditHolds {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
  }

  async hold(
    accountId: string,
    enrichmentId: string,
    type: EnrichmentType,
    amount: number,
  ): Promise<HoldOutcome> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          // One conditional update against every type's finds and holds: parallel types can never together
          // exceed the budget.
          UpdateExpression:
            'SET #progress.#holds.#type = :amount, #progress.#budget = #progress.#budget - :amount',
          ConditionExpression:
            '#status = :pending AND attribute_not_exists(#progress.#holds.#type) AND #progress.#budget >= :amount',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#progress': 'progress',
            '#holds': 'holds',
            '#budget': 'budget_left',
            '#type': type,
          },
          ExpressionAttributeValues: { ':pending': 'pending', ':amount': amount },
          // A refused hold says why from the item as it stood: no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'held';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      if (!old || old.status?.S !== 'pending') return 'gone';
      // A retried step finds the hold it took: still its own.
      return old.progress?.M?.holds?.M?.[type] !== undefined ? 'held' : 'over';
    }
  }

  async recordProgress(accountId: string, enrichmentId: string, update: ProgressUpdate): Promise<boolean> {
    const set: string[] = [];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':pending': 'pending' };
    if (update.steps.length) {
      set.push('waterfall = list_append(waterfall, :steps)');
      values[':steps'] = update.steps;
    }
    if (update.found !== undefined) {
      set.push('#progress.#found.#result = :found');
      values[':found'] = update.found;
    }
    if (update.found !== undefined || update.close) {
      set.push('#progress.#closed.#type = :closed');
      values[':closed'] = true;
    }
    if (update.candidate) {
      set.push('#progress.#candidates.#type = :candidate');
      values[':candidate'] = update.candidate;
    } else if (update.candidate === null) {
      remove.push('#progress.#candidates.#type');
    }
    if (update.release) {
      remove.push('#progress.#holds.#type');
      set.push('#progress.#budget = #progress.#budget + :released');
      values[':released'] = update.release.held - update.release.charged;
    }
    if (!set.length && !remove.length) return true;
    const expression = [
      set.length ? `SET ${set.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    // Every path segment by name: `found` and friends are DynamoDB reserved words.
    const names: Record<string, string> = { '#status': 'status' };
    for (const name of ['progress', 'found', 'closed', 'candidates', 'holds']) {
      if (expression.includes(`#${name}`)) names[`#${name}`] = name;
    }
    if (expression.includes('#budget')) names['#budget'] = 'budget_left';
    if (expression.includes('#type')) names['#type'] = update.type;
    if (expression.includes('#result')) names['#result'] = resultKeyOf(update.type);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          UpdateExpression: expression,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
