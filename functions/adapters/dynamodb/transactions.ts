/**
 * TransactWriteItems as the stores need it. Every accept and finish of an account touches the account item, so
 * under load two transactions can collide on it: DynamoDB then cancels one with `TransactionConflict`, which
 * the SDK does not retry. Those are retried here after a short jittered pause; a cancellation for a failed
 * condition is an answer, not a collision, and goes back to the caller at once.
 */
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export interface ConflictRetry {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: ConflictRetry = { attempts: 6, baseDelayMs: 20, maxDelayMs: 400 };

/** The per-item cancellation codes of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Whether a single write was refused by its condition (a cancelled transaction is `cancellationReasons`'). */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error).name === 'ConditionalCheckFailedException';
}

function collidedOnly(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return !!reasons?.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
}

/**
 * The start of an accept's ClientRequestToken (at most 36 characters, so 10 before an id): the token makes an
 * SDK-level resend of the very same transaction a no-op; a take from the rate-limit bucket decided again after
 * another request moved it is another transaction, which DynamoDB refuses under a token already used.
 */
export function tokenPrefix(bucket: object | undefined, name = 'accept'): string {
  if (!bucket) return `${name}-`;
  return `${createHash('sha256').update(JSON.stringify(bucket)).digest('hex').slice(0, 9)}-`;
}

export async function transactWrite(
  db: Pick<DynamoDBDocumentClient, 'send'>,
  input: TransactWriteCommandInput,
  retry: ConflictRetry = DEFAULT_RETRY,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (attempt >= retry.attempts || !collidedOnly(error)) throw error;
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
