/**
 * Reading the ledger's items. Every money movement is written (by `credits.ts`) in the same transaction as the
 * change it records, and that transaction is conditioned on the contact's state (accept: no contact yet;
 * finish: still pending), so an enrichment gets at most one entry of each kind however often a step is
 * replayed. Keys sort by time: one Query reads a page of the ledger newest first.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors';
import type { LedgerEntry, LedgerPage, LedgerPageRequest, LedgerReader } from '../../domain/credits/ledger';
import { keys, PREFIXES } from './keys';

export function toLedgerEntry(item: Record<string, unknown>): LedgerEntry {
  return {
    at: item.at as string,
    kind: item.kind as LedgerEntry['kind'],
    balance_delta: item.balance_delta as number,
    reserved_delta: item.reserved_delta as number,
    enrichment_id: (item.enrichment_id as string | null | undefined) ?? null,
  };
}

function invalidCursor(): ValidationError {
  return new ValidationError(
    [{ path: 'cursor', message: 'is not a cursor this API returned' }],
    'The query string is invalid.',
  );
}

/** The opaque cursor: the key of the last entry of a page, base64url-encoded. */
function encodeCursor(key: { PK: string; SK: string }): string {
  return Buffer.from(JSON.stringify([key.PK, key.SK])).toString('base64url');
}

/** The key a cursor carries, only when it is a ledger key of this very account. */
function decodeCursor(cursor: string, accountPk: string): { PK: string; SK: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    decoded[0] !== accountPk ||
    typeof decoded[1] !== 'string' ||
    !decoded[1].startsWith(PREFIXES.ledger)
  ) {
    throw invalidCursor();
  }
  return { PK: accountPk, SK: decoded[1] };
}

export class DynamoLedger implements LedgerReader {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async ledgerPage(accountId: string, page: LedgerPageRequest): Promise<LedgerPage> {
    const pk = keys.account(accountId).PK;
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, pk);
    // One entry beyond the page tells whether another page follows, in the same Query.
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': PREFIXES.ledger },
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ExclusiveStartKey: start,
      }),
    );
    const items = Items.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      entries: items.map(toLedgerEntry),
      next_cursor: Items.length > page.limit && last ? encodeCursor({ PK: pk, SK: last.SK as string }) : null,
    };
  }
}
