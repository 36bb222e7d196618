/**
 * The suppression list in the table: one partition, `SUPPRESSIONS`, one item per entry with the sort key
 * `<kind>#<normalised value>`, so a check is one GetItem per value and the list is one Query.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { SuppressionCheck, SuppressionListRepository } from '../../domain/ports/suppression';
import type { SuppressionEntry, SuppressionKind } from '../../domain/privacy/suppression-list';
import { keys, SUPPRESSION_PARTITION } from './keys';
import { isConditionFailure } from './transactions';

function toEntry(item: Record<string, unknown>): SuppressionEntry {
  return {
    kind: item.kind as SuppressionKind,
    value: item.value as string,
    added_at: item.added_at as string,
    added_by: item.added_by as string,
  };
}

export class DynamoSuppressionList implements SuppressionCheck, SuppressionListRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async contactSuppressed(contact: { linkedin_url: string | null; domain: string | null }): Promise<boolean> {
    // The record keeps both values normalised as the list does.
    const checks = [
      contact.linkedin_url && this.listed('linkedin_url', contact.linkedin_url),
      contact.domain && this.listed('domain', contact.domain),
    ].filter((check): check is Promise<boolean> => !!check);
    return (await Promise.all(checks)).some(Boolean);
  }

  emailSuppressed(email: string): Promise<boolean> {
    return this.listed('email', email.trim().toLowerCase());
  }

  async add(entry: SuppressionEntry): Promise<{ entry: SuppressionEntry; added: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.suppression(entry.kind, entry.value), type: 'suppression', ...entry },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { entry, added: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const listed = await this.get(entry.kind, entry.value);
      return { entry: listed ?? entry, added: false };
    }
  }

  async remove(kind: SuppressionKind, value: string): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.suppression(kind, value),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  async list(): Promise<SuppressionEntry[]> {
    const entries: SuppressionEntry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': SUPPRESSION_PARTITION },
          ExclusiveStartKey,
        }),
      );
      entries.push(...(page.Items ?? []).map(toEntry));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return entries;
  }

  private async listed(kind: SuppressionKind, value: string): Promise<boolean> {
    return (await this.get(kind, value)) !== undefined;
  }

  private async get(kind: SuppressionKind, value: string): Promise<SuppressionEntry | undefined> {
    // Consistent: once `suppressions add` has returned, no step that starts after it misses the entry.
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.suppression(kind, value), ConsistentRead: true }),
    );
    return Item ? toEntry(Item) : undefined;
  }
}
