/**
 * Feedback in DynamoDB: one transaction sets the record's feedback and, with a refund, adds it to the record,
 * the account (through `creditWrites`, with its `refund` ledger entry) and the account's usage counter of the
 * day; it adds each bounce to its provider's counters of the finish's day. The record's condition (finished,
 * still at the version read, each refunded type not refunded yet) makes a write decided from a stale read change
 * nothing. The bad results leave the cache after it (`DynamoResultCache.forgetBad`): their delete is conditional
 * on the item still holding the bad value, and a failed condition in here would cancel the feedback.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bounce, FeedbackRepository, FeedbackWrite } from '../../domain/ports/feedback';
import { DynamoContacts } from './contact-records';
import { creditWrites } from './credits';
import { keys } from './keys';
import { cancellationReasons, transactWrite } from './transactions';

/** The attribute of a provider's daily counters that counts bounces of a type (the scorecard reads it). */
export const bouncesAttribute = (type: Bounce['type']) => `bounces#${type}`;

/** The attribute of an account's daily usage counters that sums its refunds. */
export const CREDITS_REFUNDED_ATTRIBUTE = 'credits_refunded';

export class DynamoFeedbackStore extends DynamoContacts implements FeedbackRepository {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
  }

  async recordFeedback(write: FeedbackWrite): Promise<boolean> {
    try {
      await transactWrite(this.db, {
        TransactItems: [
          this.contactUpdate(write),
          ...(write.refund ? this.refundWrites(write, write.refund) : []),
          ...this.bounceUpdates(write.bounces),
        ],
      });
      return true;
    } catch (error) {
      // The record changed since it was read (another feedback, or it was erased): decided again from a new read.
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private contactUpdate(write: FeedbackWrite) {
    const { refund } = write;
    const refundedTypes = refund?.types ?? [];
    const notRefunded = refundedTypes
      .map((_, index) => ` AND NOT contains(refunded, :type${index})`)
      .join('');
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.contact(write.accountId, write.enrichmentId),
        UpdateExpression:
          'SET feedback = :feedback, feedback_version = :next' +
          (refund
            ? ', refunded = list_append(if_not_exists(refunded, :none), :types) ADD credits_refunded :credits'
            : ''),
        ConditionExpression:
          '#status = :finished AND ' +
          (write.version === 0 ? 'attribute_not_exists(feedback_version)' : 'feedback_version = :seen') +
          notRefunded,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':feedback': write.feedback,
          ':next': write.version + 1,
          ':finished': 'finished',
          ...(write.version === 0 ? {} : { ':seen': write.version }),
          ...(refund ? { ':none': [], ':types': refundedTypes, ':credits': refund.credits } : {}),
          ...Object.fromEntries(refundedTypes.map((type, index) => [`:type${index}`, type])),
        },
      },
    };
  }

  private refundWrites(write: FeedbackWrite, refund: NonNullable<FeedbackWrite['refund']>) {
    return [
      ...creditWrites(this.tableName, write.accountId, refund.movement),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.usage(write.accountId, refund.day),
          UpdateExpression: 'ADD #refunded :credits',
          ExpressionAttributeNames: { '#refunded': CREDITS_REFUNDED_ATTRIBUTE },
          ExpressionAttributeValues: { ':credits': refund.credits },
        },
      },
    ];
  }

  /** One update per provider and day (a transaction touches an item once), adding each type's bounces. */
  private bounceUpdates(bounces: readonly Bounce[]) {
    const items = new Map<string, { provider: string; day: string; counts: Map<Bounce['type'], number> }>();
    for (const { provider, day, type } of bounces) {
      const key = `${provider}\n${day}`;
      const item = items.get(key) ?? { provider, day, counts: new Map() };
      item.counts.set(type, (item.counts.get(type) ?? 0) + 1);
      items.set(key, item);
    }
    return [...items.values()].map(({ provider, day, counts }) => {
      const types = [...counts.keys()];
      return {
        Update: {
          TableName: this.tableName,
          Key: keys.providerStats(provider, day),
          UpdateExpression: `ADD ${types.map((_, index) => `#b${index} :b${index}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(
            types.map((type, index) => [`#b${index}`, bouncesAttribute(type)]),
          ),
          ExpressionAttributeValues: Object.fromEntries(
            types.map((type, index) => [`:b${index}`, counts.get(type)!]),
          ),
        },
      };
    });
  }
}
