/**
 * What the state machines carry: ids and cursors, never personal data. The execution starts with the
 * enrichment's reference and its requested types; in the steps workflow each Map iteration walks one type with a
 * `TypeCursor`, and hands it back to the waterfall when the run's budget would not hold its next move.
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
  /** The steps run this cursor was moved in ends before its next move: the waterfall runs it on. */
  hand_back?: boolean;
}

export type SteppedCursor = Required<Omit<TypeCursor, 'failure' | 'hand_back'>> & {
  failure: null;
  hand_back?: true;
};

/** When the steps run a step belongs to hands its types back: `after_seconds` past its start. */
export interface HandBackBudget {
  /** The steps run's start (its `$$.Execution.StartTime`). */
  started_at: string;
  after_seconds: number;
}

/** ProviderStep's input in the steps workflow; a cursor alone is what the Release 2 waterfall sends. */
export type ProviderStepInput = TypeCursor | { cursor: TypeCursor; hand_back: HandBackBudget };

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

/**
 * How each type's iteration ended, as the steps workflow hands it to RecordResult; a bare type name when the
 * steps run failed before handing anything back (the waterfall still holds its input).
 */
export type TypeOutcome =
  | EnrichmentType
  | {
      type: EnrichmentType;
      failure?: { Error?: string; Cause?: string } | null;
    };

/** RecordResult's input: the reference and, from the state machine, how each type ended. */
export interface FinishCommand {
  account_id: string;
  enrichment_id: string;
  outcomes?: TypeOutcome[];
  /** The steps run that failed or timed out, leaving its open types unfinished (null when none did). */
  failure?: { Error?: string; Cause?: string } | null;
  /** Why the enrichment is finished outside its workflow (recovery, sweeper); traced on unfinished types. */
  reason?: string;
}
