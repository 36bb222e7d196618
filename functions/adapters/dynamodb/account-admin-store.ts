/**
 * The operator's side of accounts in DynamoDB (the admin CLI): creating accounts and keys, revoking keys,
 * granting credits, settings, and reading the ledger. The API's hot path is `account-store.ts`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Account, ApiKeyRecord } from '../../domain/accounts/accounts';
import { creditsOf, grantCredits } from '../../domain/credits/credits';
import { newId } from '../../domain/ids';
import type { AccountAdministrationRepository, AccountSettings } from '../../domain/ports/accounts';
import { DynamoAccountStore } from './account-store';
import { keys, PREFIXES, type LedgerEntry } from './keys';
import { creditWrites } from './credits';
import { toLedgerEntry } from './ledger';
import { isConditionFailure, transactWrite } from './transactions';

/** The account as stored: `available` kept for conditional reservations; no rate limit or bucket until one is set or taken. */
type AccountItem = Omit<Account, 'rate_limit' | 'bucket_full_at'> & {
  available: number;
  rate_limit?: number;
};

export class AccountNotFoundError extends Error {
  constructor(accountId: string) {
    super(`No account ${accountId}.`);
  }
}

export class KeyNotFoundError extends Error {
  constructor(keyPrefix: string) {
    super(`No API key ${keyPrefix} on this account.`);
  }
}

export class DynamoAccountAdminStore extends DynamoAccountStore implements AccountAdministrationRepository {
  /** Creates an account with its first key; an opening balance is a grant in the ledger. */
  async createAccount(account: Account, key: { keyHash: string; keyPrefix: string }): Promise<void> {
    // Absent rather than null: the bucket's conditions read an absent bucket as full.
    const { rate_limit: rateLimit, bucket_full_at: _bucket, ...fields } = account;
    const item: AccountItem = {
      ...fields,
      ...creditsOf({ balance: 0, reserved: 0 }),
      ...(rateLimit === null ? {} : { rate_limit: rateLimit }),
    };
    await transactWrite(this.db, {
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.account(account.account_id), type: 'account', ...item },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...this.keyItems(account.account_id, key, account.created_at),
      ],
    });
    if (account.balance > 0) await this.grant(account.account_id, account.balance, account.created_at);
  }

  async addKey(accountId: string, key: { keyHash: string; keyPrefix: string }, at: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: keys.account(accountId),
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            ...this.keyItems(accountId, key, at),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new AccountNotFoundError(accountId);
      throw error;
    }
  }

  private keyItems(accountId: string, key: { keyHash: string; keyPrefix: string }, at: string) {
    const record = { key_prefix: key.keyPrefix, account_id: accountId, created_at: at, revoked_at: null };
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.apiKey(key.keyHash), type: 'api_key', ...record },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.accountKey(accountId, key.keyPrefix),
            type: 'account_key',
            key_hash: key.keyHash,
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  async revokeKey(accountId: string, keyPrefix: string, at: string): Promise<ApiKeyRecord> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.accountKey(accountId, keyPrefix) }),
    );
    if (!Item) throw new KeyNotFoundError(keyPrefix);
    const keyHash = Item.key_hash as string;
    const revokedAt = (Item.revoked_at as string | null) ?? at;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [keys.apiKey(keyHash), keys.accountKey(accountId, keyPrefix)].map((Key) => ({
          Update: {
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET revoked_at = :at',
            ExpressionAttributeValues: { ':at': revokedAt },
          },
        })),
      }),
    );
    return {
      key_hash: keyHash,
      key_prefix: keyPrefix,
      account_id: accountId,
      created_at: Item.created_at as string,
      revoked_at: revokedAt,
    };
  }

  async listKeys(accountId: string): Promise<Omit<ApiKeyRecord, 'key_hash'>[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': keys.account(accountId).PK, ':sk': PREFIXES.accountKey },
      }),
    );
    return Items.map((item) => ({
      key_prefix: item.key_prefix as string,
      account_id: accountId,
      created_at: item.created_at as string,
      revoked_at: (item.revoked_at as string | null) ?? null,
    }));
  }

  /** Adds credits to the balance, with its ledger entry, in one transaction. */
  async grant(accountId: string, credits: number, at: string): Promise<void> {
    try {
      await transactWrite(this.db, {
        TransactItems: creditWrites(this.tableName, accountId, grantCredits(credits, at, newId())),
      });
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new AccountNotFoundError(accountId);
      throw error;
    }
  }

  async updateSettings(accountId: string, settings: AccountSettings): Promise<void> {
    const names: string[] = [];
    const values: Record<string, unknown> = {};
    const removed: string[] = [];
    if (settings.personal_email_consent !== undefined) {
      names.push('personal_email_consent = :consent');
      values[':consent'] = settings.personal_email_consent;
    }
    if (settings.default_phone_country_codes !== undefined) {
      names.push('default_phone_country_codes = :codes');
      values[':codes'] = settings.default_phone_country_codes;
    }
    if (settings.rate_limit === null) removed.push('rate_limit');
    else if (settings.rate_limit !== undefined) {
      names.push('rate_limit = :rate');
      values[':rate'] = settings.rate_limit;
    }
    if (!names.length && !removed.length) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.account(accountId),
          UpdateExpression: [
            names.length ? `SET ${names.join(', ')}` : '',
            removed.length ? `REMOVE ${removed.join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(PK)',
          ...(names.length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AccountNotFoundError(accountId);
      throw error;
    }
  }

  /** Every ledger entry of an account, newest first (operator audits and tests). */
  async ledger(accountId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': keys.account(accountId).PK, ':sk': PREFIXES.ledger },
          ScanIndexForward: false,
          ExclusiveStartKey,
          ConsistentRead: true,
        }),
      );
      entries.push(...(page.Items ?? []).map(toLedgerEntry));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return entries;
  }

  /** Every account, oldest first: a Scan of the account items (an operator command, never the API). */
  async listAccounts(): Promise<Account[]> {
    const accounts: Account[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'SK = :sk',
          ExpressionAttributeValues: { ':sk': keys.account('').SK },
          ExclusiveStartKey,
        }),
      );
      accounts.push(...((page.Items ?? []) as Account[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return accounts.sort((a, b) => a.account_id.localeCompare(b.account_id));
  }
}
