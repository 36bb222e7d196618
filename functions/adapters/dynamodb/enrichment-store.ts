/**
 * Contact records, credit reservations and settlements, and idempotency records in DynamoDB. Every money
 * movement happens in the same transaction as the record change it belongs to, with its ledger entry.
 */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactRecord } from '../../domain/contact';
import type {
  AcceptOutcome,
  AcceptedResponse,
  EnrichmentRepository,
  FinishInput,
  FinishOutcome,
  FinishRepository,
  IdempotencyClaim,
  IdempotencyRecord,
  WebhookAttempt,
  WebhookRepository,
} from '../../domain/ports';
import { keys, TTL_ATTRIBUTE, type LedgerEntry } from './keys';
import { cancellationReasons, transactWrite } from './transactions';

const RECORD_FIELDS: ReadonlyArray<keyof ContactRecord> = [
  'account_id',
  'enrichment_id',
  'status',
  'firstname',
  'lastname',
  'company_name',
  'domain',
  'linkedin_url',
  'enrichment_type',
  'phone_country_codes',
  'custom_json',
  'created_at',
  'finished_at',
  'results',
  'credits_reserved',
  'credits_used',
  'waterfall',
  'webhook',
];

function toRecord(item: Record<string, unknown>): ContactRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) record[field] = item[field] ?? null;
  return record as unknown as ContactRecord;
}

export class DynamoEnrichmentStore implements EnrichmentRepository, FinishRepository, WebhookRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(from: string): number {
    return Math.floor(new Date(from).getTime() / 1000) + this.retentionDays * 86_400;
  }

  private ledgerPut(accountId: string, enrichmentId: string, entry: LedgerEntry) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.ledger(accountId, `${enrichmentId}#${entry.kind}`),
          type: 'ledger',
          ...entry,
          // Ledger entries outlive the contact they belong to: they are the account's audit trail.
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async accept(
    record: ContactRecord,
    response: AcceptedResponse,
    claim?: IdempotencyClaim,
  ): Promise<AcceptOutcome> {
    const accountId = record.account_id;
    const cost = record.credits_reserved;
    const transactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.account(accountId),
          UpdateExpression: 'SET reserved = reserved + :cost, available = available - :cost',
          ConditionExpression: 'attribute_exists(PK) AND available >= :cost',
          ExpressionAttributeValues: { ':cost': cost },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.contact(accountId, record.enrichment_id),
            type: 'contact',
            ...record,
            [TTL_ATTRIBUTE]: this.expiresAt(record.created_at),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      this.ledgerPut(accountId, record.enrichment_id, {
        kind: 'reserve',
        enrichment_id: record.enrichment_id,
        balance_delta: 0,
        reserved_delta: cost,
        at: record.created_at,
      }),
      ...(claim
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(accountId, claim.keyHash),
                  type: 'idempotency',
                  request_hash: claim.requestHash,
                  // Stored as text: a replay answers the very bytes of the first response.
                  response_json: JSON.stringify(response),
                  [TTL_ATTRIBUTE]: claim.expiresAt,
                },
                // An expired record may linger until TTL deletes it; it no longer counts.
                ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ':now': Math.floor(new Date(record.created_at).getTime() / 1000),
                },
              },
            },
          ]
        : []),
    ];
    try {
      // The token makes an SDK-level resend of this very transaction a no-op rather than a failed condition.
      await transactWrite(this.db, {
        TransactItems: transactItems,
        ClientRequestToken: `accept-${record.enrichment_id}`,
      });
      return { kind: 'accepted' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (claim && reasons[3] === 'ConditionalCheckFailed') {
        const previous = await this.findIdempotency(accountId, claim.keyHash, new Date(record.created_at));
        if (previous) return { kind: 'idempotency_replay', record: previous };
      }
      if (reasons[0] === 'ConditionalCheckFailed') {
        const old = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item;
        const available = old?.available && 'N' in old.available ? Number(old.available.N) : 0;
        return { kind: 'insufficient_credits', available };
      }
      throw error;
    }
  }

  async rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void> {
    const accountId = record.account_id;
    const cost = record.credits_reserved;
    await transactWrite(this.db, {
      TransactItems: [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.contact(accountId, record.enrichment_id),
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.account(accountId),
            UpdateExpression: 'SET reserved = reserved - :cost, available = available + :cost',
            ExpressionAttributeValues: { ':cost': cost },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.ledger(accountId, `${record.enrichment_id}#reserve`),
          },
        },
        ...(claim
          ? [{ Delete: { TableName: this.tableName, Key: keys.idempotency(accountId, claim.keyHash) } }]
          : []),
      ],
    });
  }

  async findIdempotency(
    accountId: string,
    keyHash: string,
    now: Date,
  ): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotency(accountId, keyHash),
        ConsistentRead: true,
      }),
    );
    if (!Item || (Item[TTL_ATTRIBUTE] as number) < Math.floor(now.getTime() / 1000)) return undefined;
    return {
      requestHash: Item.request_hash as string,
      response: JSON.parse(Item.response_json as string) as AcceptedResponse,
    };
  }

  async getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.contact(accountId, enrichmentId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async finish(input: FinishInput): Promise<FinishOutcome> {
    const { accountId, enrichmentId } = input;
    const current = await this.getContact(accountId, enrichmentId);
    if (!current) return { kind: 'missing' };
    if (current.status === 'finished') return { kind: 'already_finished', record: current };
    const reserved = current.credits_reserved;
    // Never charge beyond what was reserved: the reservation is the price the client agreed to.
    const charged = Math.min(input.creditsUsed, reserved);
    try {
      await transactWrite(this.db, {
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.contact(accountId, enrichmentId),
              UpdateExpression:
                'SET #status = :finished, finished_at = :at, results = :results, waterfall = :waterfall, credits_used = :used',
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':finished': 'finished',
                ':pending': 'pending',
                ':at': input.finishedAt,
                ':results': input.results,
                ':waterfall': input.waterfall,
                ':used': charged,
              },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: keys.account(accountId),
              UpdateExpression:
                'SET balance = balance - :charged, reserved = reserved - :reserved, available = available + :refund',
              ExpressionAttributeValues: {
                ':charged': charged,
                ':reserved': reserved,
                ':refund': reserved - charged,
              },
            },
          },
          ...(charged > 0
            ? [
                this.ledgerPut(accountId, enrichmentId, {
                  kind: 'charge',
                  enrichment_id: enrichmentId,
                  balance_delta: -charged,
                  reserved_delta: 0,
                  at: input.finishedAt,
                }),
              ]
            : []),
          ...(reserved > 0
            ? [
                this.ledgerPut(accountId, enrichmentId, {
                  kind: 'release',
                  enrichment_id: enrichmentId,
                  balance_delta: 0,
                  reserved_delta: -reserved,
                  at: input.finishedAt,
                }),
              ]
            : []),
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
      ...current,
      status: 'finished',
      finished_at: input.finishedAt,
      results: input.results,
      waterfall: input.waterfall,
      credits_used: charged,
    };
    return { kind: 'finished', record };
  }

  async recordWebhookAttempt(
    accountId: string,
    enrichmentId: string,
    attempt: WebhookAttempt,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          UpdateExpression:
            'SET webhook.attempts = webhook.attempts + :one, webhook.last_attempt_at = :at, webhook.last_response_status = :code, webhook.#status = :status',
          // A delivered webhook stays delivered, whatever a late duplicate attempt reports.
          ConditionExpression: 'attribute_exists(webhook.#status) AND webhook.#status <> :delivered',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':at': attempt.at,
            ':code': attempt.responseStatus,
            ':status': attempt.status,
            ':delivered': 'delivered',
          },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
