/**
 * The waterfall's progress on the record: each provider step appends its trace and, when it found something,
 * the type's result, in one conditional update that only applies while the record is pending (so nothing is
 * added to a finished or erased record). Parallel types update different keys of the same maps.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resultKeyOf } from '../../domain/enrichment/contact';
import type { ProgressRepository, ProgressUpdate } from '../../domain/ports/progress';
import { DynamoContacts } from './contact-records';
import { keys } from './keys';
import { isConditionFailure } from './transactions';

export class DynamoProgressStore extends DynamoContacts implements ProgressRepository {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
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
    if (!set.length && !remove.length) return true;
    const expression = [
      set.length ? `SET ${set.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    // Every path segment by name: `found` and friends are DynamoDB reserved words.
    const names: Record<string, string> = { '#status': 'status' };
    for (const name of ['progress', 'found', 'closed', 'candidates']) {
      if (expression.includes(`#${name}`)) names[`#${name}`] = name;
    }
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
