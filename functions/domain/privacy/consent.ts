/** The GDPR consent an account records before its personal emails are looked for (README "Personal data"). */
import type { Account } from '../accounts/accounts';
import type { EnrichmentType } from '../enrichment/enrichment-request';
import { ConsentRequiredError } from '../errors';

/**
 * The consent rule: personal emails are only looked for on an account that recorded its GDPR consent. Throws
 * ConsentRequiredError (422) when `types`, all the types of a request or of every contact of a batch, ask for
 * one without it.
 */
export function requireConsentFor(
  account: Pick<Account, 'personal_email_consent'>,
  types: readonly EnrichmentType[],
): void {
  if (types.includes('personal_email') && !account.personal_email_consent) throw new ConsentRequiredError();
}
