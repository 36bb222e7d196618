/** Accounts: reading an account, the authorizer's key lookup, and the operator's account administration. */
import type { Account, ApiKeyRecord } from '../accounts/accounts';
import type { LedgerEntry } from '../credits/ledger';

export interface AccountReader {
  getAccount(accountId: string): Promise<Account | undefined>;
}

export interface ApiKeyReader {
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

export interface AccountAdministrationRepository extends AccountReader {
  createAccount(account: Account, key: { keyHash: string; keyPrefix: string }): Promise<void>;
  addKey(accountId: string, key: { keyHash: string; keyPrefix: string }, at: string): Promise<void>;
  revokeKey(accountId: string, keyPrefix: string, at: string): Promise<ApiKeyRecord>;
  listKeys(accountId: string): Promise<Omit<ApiKeyRecord, 'key_hash'>[]>;
  listAccounts(): Promise<Account[]>;
  /** Every ledger entry of the account, newest first. */
  ledger(accountId: string): Promise<LedgerEntry[]>;
  grant(accountId: string, credits: number, at: string): Promise<void>;
  updateSettings(accountId: string, settings: AccountSettings): Promise<void>;
}

/** What an operator may change on an account; absent: unchanged. */
export interface AccountSettings {
  personal_email_consent?: boolean;
  default_phone_country_codes?: string[] | null;
  /** Contacts per second; null: back to the deployment's `accountRateLimit`. */
  rate_limit?: number | null;
}
