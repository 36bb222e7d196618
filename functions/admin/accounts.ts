/**
 * Operator use cases on accounts and keys (README "The operator CLI"): what `npm run admin` runs against the
 * deployed table or the local stack's.
 */
import type { AccountAdministrationRepository, AccountSettings } from '../domain/ports/accounts';
import { newApiKey, newWebhookSecret, type Account } from '../domain/accounts/accounts';
import { creditsOf, openingBalance } from '../domain/credits/credits';
import type { Clock } from '../domain/clock';
import { newId } from '../domain/ids';

export class AccountAdministration {
  constructor(
    private readonly accounts: AccountAdministrationRepository,
    private readonly clock: Clock,
  ) {}

  async create(input: {
    name: string;
    credits: number;
    personalEmailConsent: boolean;
    phoneCountryCodes: string[] | null;
  }) {
    const key = newApiKey();
    const account: Account = {
      account_id: newId(this.clock.now().getTime()),
      name: input.name,
      balance: openingBalance(input.credits),
      reserved: 0,
      personal_email_consent: input.personalEmailConsent,
      default_phone_country_codes: input.phoneCountryCodes,
      webhook_secret: newWebhookSecret(),
      created_at: this.clock.now().toISOString(),
      rate_limit: null,
      bucket_full_at: null,
    };
    await this.accounts.createAccount(account, key);
    return { account_id: account.account_id, api_key: key.apiKey, webhook_secret: account.webhook_secret };
  }

  async get(accountId: string) {
    const account = await this.accounts.getAccount(accountId);
    if (!account) return undefined;
    const keys = await this.accounts.listKeys(accountId);
    return {
      account_id: account.account_id,
      name: account.name,
      credits: creditsOf(account),
      personal_email_consent: account.personal_email_consent,
      default_phone_country_codes: account.default_phone_country_codes,
      // Contacts per second; `default` when the deployment's `accountRateLimit` applies.
      rate_limit: account.rate_limit ?? 'default',
      webhook_secret: account.webhook_secret,
      keys: keys.map((key) => ({
        key_prefix: key.key_prefix,
        created_at: key.created_at,
        revoked_at: key.revoked_at,
      })),
      created_at: account.created_at,
    };
  }

  /** Every account, without secrets. */
  async list() {
    const accounts = await this.accounts.listAccounts();
    return {
      accounts: accounts.map((account) => ({
        account_id: account.account_id,
        name: account.name,
        credits: creditsOf(account),
        created_at: account.created_at,
      })),
    };
  }

  /** The account's ledger, newest first, with the credits it sums to. */
  async ledger(accountId: string) {
    const account = await this.accounts.getAccount(accountId);
    if (!account) return undefined;
    return {
      account_id: accountId,
      credits: creditsOf(account),
      entries: await this.accounts.ledger(accountId),
    };
  }

  async grant(accountId: string, credits: number) {
    await this.accounts.grant(accountId, credits, this.clock.now().toISOString());
    const account = await this.accounts.getAccount(accountId);
    return { account_id: accountId, granted: credits, credits: creditsOf(account!) };
  }

  async set(accountId: string, settings: AccountSettings) {
    await this.accounts.updateSettings(accountId, settings);
    return this.get(accountId);
  }

  async createKey(accountId: string) {
    const key = newApiKey();
    await this.accounts.addKey(accountId, key, this.clock.now().toISOString());
    return { account_id: accountId, api_key: key.apiKey, key_prefix: key.keyPrefix };
  }

  async revokeKey(accountId: string, keyPrefix: string) {
    const revoked = await this.accounts.revokeKey(accountId, keyPrefix, this.clock.now().toISOString());
    return { account_id: accountId, key_prefix: revoked.key_prefix, revoked_at: revoked.revoked_at };
  }
}
