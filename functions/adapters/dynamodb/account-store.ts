/** The hot path of accounts in DynamoDB: the authorizer's key lookup and the account a request acts for. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Account, ApiKeyRecord } from '../../domain/accounts/accounts';
import type { AccountReader, ApiKeyReader } from '../../domain/ports/accounts';
import { keys } from './keys';

export function toAccount(item: Record<string, unknown>): Account {
  return {
    account_id: item.account_id as string,
    name: item.name as string,
    balance: item.balance as number,
    reserved: item.reserved as number,
    personal_email_consent: item.personal_email_consent as boolean,
    default_phone_country_codes: (item.default_phone_country_codes as string[] | null | undefined) ?? null,
    webhook_secret: item.webhook_secret as string,
    created_at: item.created_at as string,
    rate_limit: (item.rate_limit as number | undefined) ?? null,
    bucket_full_at: (item.bucket_full_at as number | undefined) ?? null,
  };
}

export class DynamoAccountStore implements AccountReader, ApiKeyReader {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async getAccount(accountId: string): Promise<Account | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.account(accountId) }),
    );
    return Item ? toAccount(Item) : undefined;
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiKey(keyHash) }),
    );
    if (!Item) return undefined;
    return {
      key_hash: keyHash,
      key_prefix: Item.key_prefix as string,
      account_id: Item.account_id as string,
      created_at: Item.created_at as string,
      revoked_at: (Item.revoked_at as string | null | undefined) ?? null,
    };
  }
}
