/**
 * Erasing a contact in DynamoDB. The record is deleted only while it is in the state it was read in: a finished
 * one with one conditional DeleteItem; a pending one in one transaction with its cancellation (the account's
 * reservation released, the ledger entry written), so a concurrent finish and the erasure never both move
 * credits. The accept's idempotency record goes first, unless a later request reused its key.
 */
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactRecord } from '../../domain/enrichment/contact';
import { settleCredits, type Settlement } from '../../domain/credits/credits';
import type { ErasureRepository } from '../../domain/ports/contacts';
import { DynamoContacts } from './contact-records';
import { IDEMPOTENCY_KEY_ATTRIBUTE, keys } from './keys';
import { creditWrites } from './credits';
import { cancellationReasons, isConditionFailure, transactWrite } from './transactions';

export class DynamoErasureStore extends DynamoContacts implements ErasureRepository {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
  }

  async erase(record: ContactRecord, cancellation: Settlement | null, at: string): Promise<boolean> {
    const { account_id: accountId, enrichment_id: enrichmentId } = record;
    await this.forgetIdempotency(accountId, enrichmentId);
    const remove = {
      TableName: this.tableName,
      Key: keys.contact(accountId, enrichmentId),
      ConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': record.status },
    };
    try {
      if (!cancellation) {
        await this.db.send(new DeleteCommand(remove));
      } else {
        await transactWrite(this.db, {
          TransactItems: [
            { Delete: remove },
            ...creditWrites(this.tableName, accountId, settleCredits(cancellation, at, enrichmentId)),
          ],
        });
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error) || cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') {
        return false;
      }
      throw error;
    }
  }

  /**
   * Deletes the idempotency record the accept wrote, if any: its stored first response carries the name. A key
   * reused after its 24 h by a later request now answers for that request, and stays.
   */
  private async forgetIdempotency(accountId: string, enrichmentId: string): Promise<void> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.contact(accountId, enrichmentId),
        ProjectionExpression: IDEMPOTENCY_KEY_ATTRIBUTE,
        ConsistentRead: true,
      }),
    );
    const keyHash = Item?.[IDEMPOTENCY_KEY_ATTRIBUTE] as string | undefined;
    if (!keyHash) return;
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.idempotency(accountId, keyHash),
          ConditionExpression: 'contains(response_json, :id)',
          ExpressionAttributeValues: { ':id': enrichmentId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
