/**
 * The state the waterfall state machine carries from one provider step to the next. It starts as the
 * workflow input written at accept; each step returns it with the cursor moved and the trace extended.
 */
import type { Results, WaterfallStep } from './contact';
import type { WorkflowInput } from './ports';

export interface WaterfallCursor {
  /** Index into `types`. */
  type_index: number;
  /** Index into the configured provider order of the current type. */
  provider_index: number;
  /** Waits already granted to the current provider (Retry-After, asynchronous polls). */
  waits: number;
}

export interface PendingPoll {
  token: string;
  started_at: string;
}

/** What the state machine does next: call the next step, wait `wait_seconds` first, or record the result. */
export type NextMove = 'call' | 'wait' | 'finish';

export interface WaterfallState extends WorkflowInput {
  cursor?: WaterfallCursor;
  poll?: PendingPoll | null;
  results?: Results;
  waterfall?: WaterfallStep[];
  next?: NextMove;
  wait_seconds?: number;
  /** Set by the state machine's Catch when a step failed for good (retries exhausted or a permanent error). */
  failure?: { Error?: string; Cause?: string } | null;
}

export type SteppedState = Required<Pick<WaterfallState, 'cursor' | 'results' | 'waterfall' | 'next'>> &
  WaterfallState;

export function initialise(state: WaterfallState): SteppedState {
  return {
    ...state,
    cursor: state.cursor ?? { type_index: 0, provider_index: 0, waits: 0 },
    poll: state.poll ?? null,
    results: state.results ?? {},
    waterfall: state.waterfall ?? [],
    next: 'call',
    wait_seconds: 0,
    failure: state.failure ?? null,
  };
}
