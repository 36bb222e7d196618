/**
 * The deployment-wide suppression list: people who objected to being enriched, by email, LinkedIn URL or
 * domain. ProviderStep checks it before any provider is called and on every found email (`SuppressionCheck`);
 * the operator keeps it (`npm run admin -- suppressions add|remove|list`). Values are normalised exactly as
 * requests are, so an entry matches however a client spells the same person.
 */
import { normaliseDomain, normaliseLinkedinUrl } from '../enrichment/enrichment-request';
import { isEmailSyntaxValid } from '../enrichment/judge-answer';

export const SUPPRESSION_KINDS = ['email', 'linkedin_url', 'domain'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

export interface SuppressionEntry {
  kind: SuppressionKind;
  /** The normalised value: what requests and found emails are compared with. */
  value: string;
  added_at: string;
  /** Who added it (the operator's `--by`, else their OS user name). */
  added_by: string;
}

/** Found emails are kept lower-cased and trimmed; the list compares them the same way. */
export function normaliseEmail(input: string): string | undefined {
  const email = input.trim().toLowerCase();
  return isEmailSyntaxValid(email) ? email : undefined;
}

/** The value as the list keeps and compares it; undefined when it is not a valid value of its kind. */
export function normaliseSuppression(kind: SuppressionKind, input: string): string | undefined {
  switch (kind) {
    case 'email':
      return normaliseEmail(input);
    case 'linkedin_url':
      return normaliseLinkedinUrl(input);
    case 'domain':
      return normaliseDomain(input);
  }
}

export class InvalidSuppressionError extends Error {
  override readonly name = 'InvalidSuppressionError';
  constructor(kind: SuppressionKind, input: string) {
    super(`"${input}" is not a valid ${kind.replace('_', ' ')}`);
  }
}

export class SuppressionNotFoundError extends Error {
  override readonly name = 'SuppressionNotFoundError';
  constructor(kind: SuppressionKind, value: string) {
    super(`${kind} ${value} is not on the suppression list`);
  }
}
