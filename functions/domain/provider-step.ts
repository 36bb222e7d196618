/**
 * One step of the waterfall: ask one provider for one type.
 *
 * Input: the waterfall state (contact, requested types, cursor, results and trace so far).
 * Output: the state with the trace extended and the cursor moved, and `next` telling the state machine what to
 * do: `call` the next step, `wait` `wait_seconds` (Retry-After, an asynchronous provider still searching), or
 * `finish`.
 *
 * Primary course:
 *  1. If the previous step failed for good (the state machine's Catch), trace it as `error` and move on.
 *  2. Find the current type and provider; a type whose providers are exhausted is finished without data.
 *  3. A provider with no API key configured is skipped, and the trace says so.
 *  4. Call the provider once (or poll its pending search), judge the answer (email verification, phone
 *     parsing and allowed countries) and trace the outcome.
 *  5. A found result closes its type; anything else moves to the next provider of the type.
 * Transient provider errors are rethrown for the state machine to retry, unless the provider asked for a
 * Retry-After short enough to wait for in the state machine.
 */
import type { Clock } from './clock';
import type { WaterfallStep } from './contact';
import type { EnrichmentType } from './enrichment-request';
import { isEmailSyntaxValid, judgeEmailVerdict, judgePhones } from './judge-answer';
import { initialise, type SteppedState, type WaterfallState } from './waterfall-state';
import {
  PermanentProviderError,
  TransientProviderError,
  type ContactQuery,
  type EmailVerifier,
  type Provider,
  type ProviderAnswer,
} from '../providers/provider';

export interface ProviderDirectory {
  /** The configured provider order of a type. */
  order(type: EnrichmentType): readonly string[];
  /** The provider, or undefined when it needs an API key that is not configured. */
  provider(name: string): Promise<Provider | undefined>;
  /** The email verifier for unverified finds, if one is configured. */
  verifier(): Promise<EmailVerifier | undefined>;
}

export interface ProviderStepDependencies {
  providers: ProviderDirectory;
  clock: Clock;
  /** Time budget of one provider call; the function's timeout leaves room beyond it. */
  callTimeoutMs: number;
  /** Longest Retry-After the state machine waits for before leaving retries to its own backoff. */
  maxRetryAfterSeconds: number;
  /** Waits granted to one provider (polls of an asynchronous search, Retry-After) before giving up on it. */
  maxWaitsPerProvider: number;
}

type Outcome = Omit<WaterfallStep, 'type' | 'provider' | 'duration_ms'>;

export class ProviderStep {
  constructor(private readonly deps: ProviderStepDependencies) {}

  async execute(input: WaterfallState): Promise<SteppedState> {
    const state = initialise(input);
    if (state.failure) {
      const failure = state.failure;
      state.failure = null;
      const current = this.current(state);
      if (current) this.trace(state, current, { outcome: 'error', detail: describeFailure(failure) }, 0);
      this.nextProvider(state);
    }
    for (;;) {
      const current = this.current(state);
      if (!current) return { ...state, next: 'finish' };
      if (current.provider === undefined) {
        this.closeType(state, current.type);
        continue;
      }
      const provider = await this.deps.providers.provider(current.provider);
      if (!provider) {
        this.trace(state, current, { outcome: 'error', detail: 'skipped: no API key configured' }, 0);
        this.nextProvider(state);
        continue;
      }
      if (!provider.types.includes(current.type)) {
        this.trace(
          state,
          current,
          { outcome: 'error', detail: `skipped: does not offer ${current.type}` },
          0,
        );
        this.nextProvider(state);
        continue;
      }
      return this.settle(
        await this.callProvider(state, { type: current.type, provider: current.provider }, provider),
      );
    }
  }

  /** Closes types whose providers are exhausted now, so the last step says `finish` without another call. */
  private settle(state: SteppedState): SteppedState {
    if (state.next !== 'call') return state;
    for (let current = this.current(state); current; current = this.current(state)) {
      if (current.provider !== undefined) return state;
      this.closeType(state, current.type);
    }
    return { ...state, next: 'finish' };
  }

  private current(state: SteppedState): { type: EnrichmentType; provider: string | undefined } | undefined {
    const type = state.types[state.cursor.type_index];
    if (!type) return undefined;
    return { type, provider: this.deps.providers.order(type)[state.cursor.provider_index] };
  }

  private async callProvider(
    state: SteppedState,
    step: { type: EnrichmentType; provider: string },
    provider: Provider,
  ): Promise<SteppedState> {
    const started = this.deps.clock.now().getTime();
    const elapsed = () => this.deps.clock.now().getTime() - started;
    const signal = AbortSignal.timeout(this.deps.callTimeoutMs);
    const contact: ContactQuery = state.contact;
    let answer: ProviderAnswer;
    try {
      answer =
        state.poll && provider.poll
          ? await provider.poll(state.poll.token, step.type, { signal })
          : await provider.find(contact, step.type, { signal });
    } catch (error) {
      if (error instanceof TransientProviderError) {
        const wait = error.retryAfterSeconds;
        if (
          wait !== undefined &&
          wait <= this.deps.maxRetryAfterSeconds &&
          state.cursor.waits < this.deps.maxWaitsPerProvider
        ) {
          return this.waitFor(state, wait);
        }
        throw error;
      }
      if (error instanceof PermanentProviderError) {
        this.trace(state, step, { outcome: 'error', detail: error.message }, elapsed());
        this.nextProvider(state);
        return state;
      }
      throw error;
    }

    if (answer.kind === 'pending') {
      if (state.cursor.waits >= this.deps.maxWaitsPerProvider) {
        this.trace(
          state,
          step,
          { outcome: 'error', detail: 'gave up waiting for the asynchronous search' },
          elapsed(),
        );
        this.nextProvider(state);
        return state;
      }
      state.poll = {
        token: answer.token,
        started_at: state.poll?.started_at ?? new Date(started).toISOString(),
      };
      return this.waitFor(state, answer.afterSeconds);
    }

    const outcome = await this.judge(state, step, answer, signal);
    this.trace(state, step, outcome, elapsed());
    if (outcome.outcome === 'found') this.nextType(state);
    else this.nextProvider(state);
    return state;
  }

  private async judge(
    state: SteppedState,
    step: { type: EnrichmentType; provider: string },
    answer: Exclude<ProviderAnswer, { kind: 'pending' }>,
    signal: AbortSignal,
  ): Promise<Outcome> {
    if (answer.kind === 'not_found') return { outcome: 'not_found', detail: answer.detail ?? null };
    if (answer.kind === 'phones') {
      if (step.type !== 'phone')
        return { outcome: 'rejected', detail: 'answered phones for an email search' };
      const judged = judgePhones(answer.phones, state.contact.phone_country_codes, step.provider);
      if (judged.accepted.length) {
        state.results.phones = judged.accepted;
        return { outcome: 'found', detail: answer.detail ?? null };
      }
      if (!judged.rejected.length)
        return { outcome: 'not_found', detail: answer.detail ?? 'no phone numbers' };
      const reasons = [...new Set(judged.rejected.map((r) => r.reason.replaceAll('_', ' ')))];
      return { outcome: 'rejected', detail: reasons.join(', ') };
    }
    if (step.type === 'phone') return { outcome: 'rejected', detail: 'answered an email for a phone search' };
    const email = answer.email.trim().toLowerCase();
    if (!isEmailSyntaxValid(email)) return { outcome: 'rejected', detail: 'invalid email syntax' };
    let verdict = answer.verdict;
    let verifiedBy: string | undefined;
    if (verdict === undefined || verdict === 'unknown') {
      const verifier = await this.deps.providers.verifier();
      if (verifier) {
        verdict = (await verifier.verify(email, { signal })).verdict;
        verifiedBy = verifier.name;
      }
    }
    const judgement = judgeEmailVerdict(verdict);
    const by = verifiedBy ? ` (verified by ${verifiedBy})` : '';
    if (!judgement.accepted) return { outcome: 'rejected', detail: `${judgement.reason}${by}` };
    state.results[step.type] = { value: email, status: judgement.status, provider: step.provider };
    return { outcome: 'found', detail: answer.detail ?? (by.trim() || null) };
  }

  private waitFor(state: SteppedState, seconds: number): SteppedState {
    state.cursor.waits += 1;
    return { ...state, next: 'wait', wait_seconds: Math.max(1, Math.ceil(seconds)) };
  }

  private trace(
    state: SteppedState,
    step: { type: EnrichmentType; provider: string | undefined },
    outcome: Outcome,
    durationMs: number,
  ) {
    if (step.provider === undefined) return;
    state.waterfall.push({
      type: step.type,
      provider: step.provider,
      outcome: outcome.outcome,
      duration_ms: durationMs,
      detail: outcome.detail,
    });
  }

  private nextProvider(state: SteppedState): void {
    state.cursor = { ...state.cursor, provider_index: state.cursor.provider_index + 1, waits: 0 };
    state.poll = null;
  }

  private nextType(state: SteppedState): void {
    state.cursor = { type_index: state.cursor.type_index + 1, provider_index: 0, waits: 0 };
    state.poll = null;
  }

  private closeType(state: SteppedState, type: EnrichmentType): void {
    if (type === 'phone') state.results.phones ??= [];
    else state.results[type] ??= null;
    this.nextType(state);
  }
}

/** A short, PII-free description of a step the state machine gave up on. */
function describeFailure(failure: { Error?: string; Cause?: string }): string {
  const name = failure.Error ?? 'Error';
  if (name === 'States.Timeout') return 'timed out';
  if (name === 'TransientProviderError') return 'transient errors persisted after retries';
  return `failed: ${name}`;
}
