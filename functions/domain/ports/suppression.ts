/** The suppression list: the provider step's check, and the operator's list. */
import type { SuppressionEntry, SuppressionKind } from '../privacy/suppression-list';

export interface SuppressionCheck {
  /** Whether the person objected to enrichment: their LinkedIn URL or their domain is on the list. */
  contactSuppressed(contact: { linkedin_url: string | null; domain: string | null }): Promise<boolean>;
  /** Whether a found email is on the list. */
  emailSuppressed(email: string): Promise<boolean>;
}

/** The operator's side of the list (`npm run admin -- suppressions …`); values come normalised. */
export interface SuppressionListRepository {
  /** Adds the entry unless its value is listed already; answers the entry as listed. */
  add(entry: SuppressionEntry): Promise<{ entry: SuppressionEntry; added: boolean }>;
  /** Removes an entry; false when it was not listed. */
  remove(kind: SuppressionKind, value: string): Promise<boolean>;
  /** Every entry, by kind then value. */
  list(): Promise<SuppressionEntry[]>;
}
