/**
 * What the state machine carries: ids and cursors, never personal data. The execution starts with the
 * enrichment's reference and its requested types; each Map iteration walks one type with a `TypeCursor`.
 */
import type { EnrichmentType } from './enrichment-request';

/** The execution input, written at accept. */
export interface WorkflowInput {
  account_id: string;
  enrichment_id: string;
  types: EnrichmentType[];
}

export function workflowInputOf(record: {
  account_id: string;
  enrichment_id: string;
  enrichment_type: EnrichmentType[];
}): WorkflowInput {
  return {
    account_id: record.account_id,
    enrichment_id: record.enrichment_id,
    types: record.enrichment_type,
  };
}

export interface PendingPoll {
  /** The provider's id of a submitted asynchronous search (no personal data). */
  token: string;
  started_at: string;
}

/** What the state machine does next with a type: call the next step, wait `wait_seconds` first, or stop. */
export type NextMove = 'call' | 'wait' | 'done';

/** One type's walk through its providers: the state of one Map iteration. */
export interface TypeCursor {
  account_id: string;
  enrichment_id: string;
  type: EnrichmentType;
  /** Index into the configured provider order of the type. */
  provider_index?: number;
  /** Waits already granted to the current provider (Retry-After, asynchronous polls). */
  waits?: number;
  /** The type's start (suppression list, results cache) is behind it. */
  began?: boolean;
  /** A rate-limit slot (epoch ms) reserved for the current provider: the call is made once it has come. */
  slot_at?: number | null;
  poll?: PendingPoll | null;
  next?: NextMove;
  wait_seconds?: number;
  /** Set by the state machine's Catch when the provider kept failing (retries exhausted). */
  failure?: { Error?: string; Cause?: string } | null;
}

export type SteppedCursor = Required<Omit<TypeCursor, 'failure'>> & { failure: null };

export function initialise(cursor: TypeCursor): SteppedCursor {
  return {
    account_id: cursor.account_id,
    enrichment_id: cursor.enrichment_id,
    type: cursor.type,
    provider_index: cursor.provider_index ?? 0,
    waits: cursor.waits ?? 0,
    began: cursor.began ?? false,
    slot_at: cursor.slot_at ?? null,
    poll: cursor.poll ?? null,
    next: 'call',
    wait_seconds: 0,
    failure: null,
  };
}

/** How each type's iteration ended, as the Map hands it to RecordResult. */
export interface TypeOutcome {
  type: EnrichmentType;
  failure?: { Error?: string; Cause?: string } | null;
}

/** RecordResult's input: the reference and, from the state machine, how each type ended. */
export interface FinishCommand {
  account_id: string;
  enrichment_id: string;
  outcomes?: TypeOutcome[];
  /** Why the enrichment is finished outside its workflow (recovery, sweeper); traced on unfinished types. */
  reason?: string;
}
