/**
 * The credits ledger as an account reads it (GET /account/ledger): every movement of its credits, newest first,
 * a page at a time. Each entry is written in the same transaction as the movement it records, so over all
 * pages the balance deltas sum to the balance and the reserved deltas to the reservation.
 *
 * Input: the calling account and the query string (`limit` 1–200, default 50; `cursor` from the last page).
 * Output: `{ entries, next_cursor }`; `next_cursor` is null on the last page.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors';

export const LEDGER_KINDS = ['grant', 'reserve', 'charge', 'release', 'refund'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  at: string;
  kind: LedgerKind;
  /** Effect on the balance (grant +n, refund +n, charge -n). */
  balance_delta: number;
  /** Effect on the reservation (reserve +n, release -n). */
  reserved_delta: number;
  /** The enrichment the movement belongs to (a refund's too); null for a grant. */
  enrichment_id: string | null;
}

export interface LedgerPage {
  entries: LedgerEntry[];
  next_cursor: string | null;
}

export const LEDGER_PAGE_LIMITS = { default: 50, max: 200 } as const;

/** The query string of GET /account/ledger; unknown parameters are ignored. */
export const ledgerQuerySchema = z.object({
  limit: z._default(
    z.pipe(
      // Plain decimal digits only: `0x10`, `1e1`, `+5`, ` 5` and `10.0` are not integers here.
      z.pipe(
        z
          .string({ error: 'must be an integer from 1 to 200' })
          .check(z.regex(/^\d{1,4}$/, 'must be an integer from 1 to 200')),
        z.transform((value: string) => Number(value)),
      ),
      z
        .int({ error: 'must be an integer from 1 to 200' })
        .check(
          z.gte(1, 'must be an integer from 1 to 200'),
          z.lte(LEDGER_PAGE_LIMITS.max, 'must be an integer from 1 to 200'),
        ),
    ),
    LEDGER_PAGE_LIMITS.default,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export interface LedgerPageRequest {
  limit: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}

export interface LedgerReader {
  /** One page of the account's ledger, newest first; throws ValidationError for a cursor it did not issue. */
  ledgerPage(accountId: string, page: LedgerPageRequest): Promise<LedgerPage>;
}

/** Checks the query string, then reads one page. */
export async function readLedger(
  ledger: LedgerReader,
  accountId: string,
  query: Record<string, string | undefined> | null,
): Promise<LedgerPage> {
  const parsed = ledgerQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: String(issue.path[0] ?? '(query)'),
      message: issue.path[0] === 'cursor' ? 'is not a cursor this API returned' : issue.message,
    }));
    throw new ValidationError(errors, 'The query string is invalid.');
  }
  return ledger.ledgerPage(accountId, parsed.data);
}
