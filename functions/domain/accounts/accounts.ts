/** Accounts, API keys and webhook secrets (README "The operator CLI"). Keys are only ever stored as hashes. */
import { createHash, randomBytes } from 'node:crypto';

export interface Account {
  account_id: string;
  name: string;
  balance: number;
  reserved: number;
  personal_email_consent: boolean;
  default_phone_country_codes: string[] | null;
  webhook_secret: string;
  created_at: string;
  /** Contacts per second this account may send; null: the deployment's `accountRateLimit`. */
  rate_limit: number | null;
  /** When the account's rate-limit bucket is full again (µs since the epoch; null or past: full). */
  bucket_full_at: number | null;
}

export interface ApiKeyRecord {
  key_hash: string;
  key_prefix: string;
  account_id: string;
  created_at: string;
  revoked_at: string | null;
}

const KEY_PREFIX_LENGTH = 12;

/** A new API key: `ce_` + 40 base62-ish characters; its first 12 characters name it for revocation. */
export function newApiKey(): { apiKey: string; keyPrefix: string; keyHash: string } {
  const apiKey = `ce_${randomBytes(30).toString('base64url')}`;
  return { apiKey, keyPrefix: apiKey.slice(0, KEY_PREFIX_LENGTH), keyHash: hashApiKey(apiKey) };
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The bearer token of an `Authorization` header, or undefined when it is missing or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,512})$/.exec(header?.trim() ?? '');
  return match?.[1];
}
