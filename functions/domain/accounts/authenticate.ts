/** API key → account id; undefined for a missing, malformed, unknown or revoked key. */
import { bearerToken, hashApiKey } from './accounts';
import type { ApiKeyReader } from '../ports/accounts';

export async function authenticate(
  accounts: ApiKeyReader,
  authorizationHeader: string | undefined,
): Promise<string | undefined> {
  const token = bearerToken(authorizationHeader);
  if (!token) return undefined;
  const key = await accounts.findApiKey(hashApiKey(token));
  if (!key || key.revoked_at) return undefined;
  return key.account_id;
}
