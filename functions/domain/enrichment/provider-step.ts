/**
 * One step of one type's waterfall: ask one provider (or the verifier about an email a provider found).
 *
 * Input: the type's cursor (enrichment reference, type, provider index, waits, pending poll, and the state
 * machine's `failure` when the provider kept failing); in the steps workflow, also the run's hand-back budget.
 * Output: the cursor moved, and `next` telling the state machine what to do: `call` the next step, `wait`
 * `wait_seconds` (Retry-After, an asynchronous provider still searching), or `done` with this type; `hand_back`
 * when the steps run's budget would not hold that (a wait ending past it, a call starting past it).
 *
 * Primary course:
 *  1. Read the record; a record that is no longer pending (finished, erased) or a type already closed stops.
 *  2. At the start of a type: a person on the suppression list is not enriched (traced `suppression-list`), and
 *     a verified find of the same person within the cache's days is reused (traced `cache`).
 *  3. Steps that call nobody come first and are recorded on their own: a provider that kept failing is traced
 *     as `error`, a provider without an API key, that does not offer the type, or whose circuit is open is
 *     skipped and traced. A provider over its deployment-wide rate limit is waited for in the state machine.
 *  4. Otherwise call the provider at the cursor once (or poll its pending search) with the contact read from
 *     the record, and judge the answer (email verdict, phone parsing and allowed countries).
 *  5. An email found without a verdict is kept on the record first, then the verifier is asked; a retried
 *     step verifies the kept email and never asks the finder again.
 *  6. Append the trace step (and a found result, which closes the type) to the record, only while pending; a
 *     found email on the suppression list is dropped; a verified find is kept in the results cache.
 * Transient provider errors are rethrown for the state machine to retry, unless the provider asked for a
 * Retry-After short enough to wait for in the state machine.
 */
import type { Clock } from '../clock';
import type { ContactQuery, ContactRecord, EmailCandidate, WaterfallStep } from './contact';
import type { EnrichmentType } from './enrichment-request';
import { isEmailSyntaxValid, judgeEmailVerdict, judgePhones } from './judge-answer';
import type { CreditHolds, ProgressRepository, ProgressUpdate, ResultCache } from '../ports/progress';
import type { PriceList } from '../credits/credits';
import type { SuppressionCheck } from '../ports/suppression';
import type { ProviderTraffic, TrafficDecision } from '../ports/traffic';
import {
  CACHE_STEP,
  cacheIdentities,
  cacheOwner,
  type CachedResult,
  type CacheSettings,
} from './result-cache';

export { CACHE_STEP };
import { initialise, type HandBackBudget, type SteppedCursor, type TypeCursor } from './waterfall-state';
import {
  PermanentProviderError,
  TransientProviderError,
  type EmailVerdict,
  type EmailVerifier,
  type Provider,
  type ProviderAnswer,
} from '../provider';

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
  progress: ProgressRepository;
  /** Deployment-wide rate limits and circuit breakers; none means every provider is always called. */
  traffic?: ProviderTraffic;
  suppressions?: SuppressionCheck;
  /** The results cache and its settings; none (or 0 days) means every type asks its providers. */
  cache?: { store: ResultCache; settings: CacheSettings };
  clock: Clock;
  /** Time budget of one provider call; the function's timeout leaves room beyond it. */
  callTimeoutMs: number;
  /** Longest Retry-After the state machine waits for before leaving retries to its own backoff. */
  maxRetryAfterSeconds: number;
  /** Waits granted to one provider (polls of an asynchronous search, Retry-After) before giving up on it. */
  maxWaitsPerProvider: number;
  /** Holds on a request's `max_credits` and the prices they hold; a record without the cap needs none. */
  holds?: { store: CreditHolds; prices: PriceList };
}

type Judged = Pick<WaterfallStep, 'outcome' | 'detail'> & { found?: ProgressUpdate['found'] };

/** The trace's provider name of steps that asked nobody: the suppression list, the results cache. */
export const SUPPRESSION_STEP = 'suppression-list';

/** The trace detail of a step that would not fit what is left of `max_credits`. */
export const OVER_MAX_CREDITS = 'skipped: over max_credits';

/** A reserved rate-limit slot is used this long after it came, and no later. */
const LATE_SLOT_MS = 1000;

export class ProviderStep {
  constructor(private readonly deps: ProviderStepDependencies) {}

  /** One step; with a budget (the steps workflow), the cursor is marked `hand_back` when its run must end. */
  async execute(input: TypeCursor, budget?: HandBackBudget): Promise<SteppedCursor> {
    const stepped = await this.move(input);
    if (!budget || stepped.next === 'done') return stepped;
    const endsAt = Date.parse(budget.started_at) + budget.after_seconds * 1000;
    const now = this.deps.clock.now().getTime();
    const nextAt = stepped.next === 'wait' ? now + stepped.wait_seconds * 1000 : now;
    return nextAt >= endsAt ? { ...stepped, hand_back: true } : stepped;
  }

  private async move(input: TypeCursor): Promise<SteppedCursor> {
    const cursor = initialise(input);
    const record = await this.deps.progress.getContact(cursor.account_id, cursor.enrichment_id);
    if (!record || record.status !== 'pending' || !record.progress || record.progress.closed[cursor.type]) {
      return { ...cursor, next: 'done' };
    }
    const update: ProgressUpdate = { type: cursor.type, steps: [] };
    const order = this.orderOf(record, cursor.type);
    const candidate = record.progress.candidates[cursor.type];
    // A hold taken by an earlier invocation of this step (a retry, a poll, a verification) ends with the step.
    const held = record.progress.holds?.[cursor.type];
    if (held !== undefined) update.release = { held, charged: 0 };
    if (!cursor.began) {
      cursor.began = true;
      const start = await this.beginType(cursor, update, record);
      if (start) return start;
    }

    if (input.failure) {
      const name = order[cursor.provider_index];
      if (name !== undefined)
        update.steps.push(this.step(cursor, name, failureOutcome(input.failure, candidate)));
      if (candidate) update.candidate = null;
      this.nextProvider(cursor);
    }
    for (;;) {
      const name = order[cursor.provider_index];
      if (name === undefined) return this.record(cursor, update, record);
      if (candidate?.provider_index === cursor.provider_index && !update.steps.length) {
        return this.verifyCandidate(cursor, update, record, candidate);
      }
      const provider = await this.deps.providers.provider(name);
      const skipped = !provider
        ? 'skipped: no API key configured'
        : !provider.types.includes(cursor.type)
          ? `skipped: does not offer ${cursor.type}`
          : undefined;
      if (skipped || !provider) {
        update.steps.push(this.step(cursor, name, { outcome: 'error', detail: skipped ?? null }));
        this.nextProvider(cursor);
        continue;
      }
      const traffic = await this.trafficFor(cursor, name);
      if (traffic.kind === 'skip') {
        update.steps.push(
          this.step(cursor, name, { outcome: 'error', detail: `skipped: ${traffic.reason}` }),
        );
        this.nextProvider(cursor);
        continue;
      }
      // Steps that called nobody are recorded on their own, so a retried call never traces them twice.
      if (update.steps.length) return this.record(cursor, update, record);
      if (traffic.kind === 'wait') return this.waitForSlot(cursor, traffic.slotAt, traffic.reserved);
      if (!update.release) {
        const hold = await this.hold(cursor, record, this.deps.holds?.prices.priceOf(cursor.type, name));
        if (hold === 'gone') return { ...cursor, next: 'done' };
        if (hold === 'over') {
          // A cheaper provider further down may still fit what is left.
          update.steps.push(this.step(cursor, name, { outcome: 'error', detail: OVER_MAX_CREDITS }));
          this.nextProvider(cursor);
          continue;
        }
        if (hold) update.release = { held: hold.amount, charged: 0 };
      }
      return this.callProvider(cursor, update, record, name, provider);
    }
  }

  private async callProvider(
    cursor: SteppedCursor,
    update: ProgressUpdate,
    record: ContactRecord,
    name: string,
    provider: Provider,
  ): Promise<SteppedCursor> {
    const started = this.deps.clock.now().getTime();
    const signal = AbortSignal.timeout(this.deps.callTimeoutMs);
    let answer: ProviderAnswer;
    try {
      answer =
        cursor.poll && provider.poll
          ? await provider.poll(cursor.poll.token, cursor.type, { signal })
          : await provider.find(contactOf(record), cursor.type, { signal });
    } catch (error) {
      await this.reportCall(name, error);
      if (error instanceof TransientProviderError) {
        const wait = error.retryAfterSeconds;
        if (wait !== undefined && wait <= this.deps.maxRetryAfterSeconds && this.mayWait(cursor)) {
          return this.waitFor(cursor, wait);
        }
        throw error;
      }
      if (!(error instanceof PermanentProviderError)) throw error;
      update.steps.push(this.step(cursor, name, { outcome: 'error', detail: error.message }, started));
      this.nextProvider(cursor);
      return this.record(cursor, update, record);
    }

    await this.reportCall(name, undefined);
    if (answer.kind === 'pending') {
      if (this.mayWait(cursor)) {
        cursor.poll = {
          token: answer.token,
          started_at: cursor.poll?.started_at ?? new Date(started).toISOString(),
        };
        return this.waitFor(cursor, answer.afterSeconds);
      }
      const detail = 'gave up waiting for the asynchronous search';
      update.steps.push(this.step(cursor, name, { outcome: 'error', detail }, started));
      this.nextProvider(cursor);
      return this.record(cursor, update, record);
    }

    if (answer.kind === 'email' && (answer.verdict === undefined || answer.verdict === 'unknown')) {
      const email = answer.email.trim().toLowerCase();
      const verifier = isEmailSyntaxValid(email) ? await this.deps.providers.verifier() : undefined;
      if (verifier) {
        const candidate: EmailCandidate = {
          value: email,
          provider: name,
          provider_index: cursor.provider_index,
          detail: answer.detail ?? null,
        };
        // Kept before the verifier is asked: a retry of this step verifies it, never asking the finder again.
        if (
          !(await this.deps.progress.recordProgress(cursor.account_id, cursor.enrichment_id, {
            type: cursor.type,
            steps: [],
            candidate,
          }))
        ) {
          return { ...cursor, next: 'done' };
        }
        return this.verifyCandidate(cursor, update, record, candidate, verifier, started);
      }
    }

    const judged = this.judge(cursor, record, name, answer);
    return this.settle(cursor, update, record, name, judged, started);
  }

  private async verifyCandidate(
    cursor: SteppedCursor,
    update: ProgressUpdate,
    record: ContactRecord,
    candidate: EmailCandidate,
    known?: EmailVerifier,
    started = this.deps.clock.now().getTime(),
  ): Promise<SteppedCursor> {
    const verifier = known ?? (await this.deps.providers.verifier());
    let verdict: EmailVerdict = 'unknown';
    let reason: string | undefined;
    if (verifier) {
      try {
        verdict = (
          await verifier.verify(candidate.value, { signal: AbortSignal.timeout(this.deps.callTimeoutMs) })
        ).verdict;
      } catch (error) {
        if (!(error instanceof PermanentProviderError)) throw error;
        reason = error.message;
      }
    }
    update.candidate = null;
    const by = verifier ? ` (verified by ${verifier.name})` : '';
    const judgement = judgeEmailVerdict(verdict);
    const judged: Judged = judgement.accepted
      ? {
          outcome: 'found',
          detail: candidate.detail ?? (by.trim() || null),
          found: { value: candidate.value, status: judgement.status, provider: candidate.provider },
        }
      : {
          outcome: 'rejected',
          detail: reason ? `${judgement.reason} (${reason})` : `${judgement.reason}${by}`,
        };
    return this.settle(cursor, update, record, candidate.provider, judged, started);
  }

  /** Traces the judged answer; a find closes the type, anything else moves to the next provider. */
  private async settle(
    cursor: SteppedCursor,
    update: ProgressUpdate,
    record: ContactRecord,
    name: string,
    judged: Judged,
    started: number,
  ): Promise<SteppedCursor> {
    judged = await this.screen(judged, record);
    update.steps.push(this.step(cursor, name, judged, started));
    if (judged.found) {
      const found = judged.found;
      update.found = found;
      if (update.release) update.release.charged = update.release.held;
      // Cached only once it is on the record: a record erased meanwhile leaves no copy of the person behind.
      return this.record({ ...cursor, poll: null }, update, record, 'done', () =>
        this.remember(cursor, record, found),
      );
    }
    this.nextProvider(cursor);
    return this.record(cursor, update, record);
  }

  private judge(
    cursor: SteppedCursor,
    record: ContactRecord,
    name: string,
    answer: Exclude<ProviderAnswer, { kind: 'pending' }>,
  ): Judged {
    if (answer.kind === 'not_found') return { outcome: 'not_found', detail: answer.detail ?? null };
    if (answer.kind === 'phones') {
      if (cursor.type !== 'phone')
        return { outcome: 'rejected', detail: 'answered phones for an email search' };
      const judged = judgePhones(answer.phones, record.phone_country_codes, name);
      if (judged.accepted.length)
        return { outcome: 'found', detail: answer.detail ?? null, found: judged.accepted };
      if (!judged.rejected.length)
        return { outcome: 'not_found', detail: answer.detail ?? 'no phone numbers' };
      const reasons = [...new Set(judged.rejected.map((r) => r.reason.replaceAll('_', ' ')))];
      return { outcome: 'rejected', detail: reasons.join(', ') };
    }
    if (cursor.type === 'phone')
      return { outcome: 'rejected', detail: 'answered an email for a phone search' };
    const email = answer.email.trim().toLowerCase();
    if (!isEmailSyntaxValid(email)) return { outcome: 'rejected', detail: 'invalid email syntax' };
    const judgement = judgeEmailVerdict(answer.verdict);
    if (!judgement.accepted) return { outcome: 'rejected', detail: judgement.reason };
    return {
      outcome: 'found',
      detail: answer.detail ?? null,
      found: { value: email, status: judgement.status, provider: name },
    };
  }

  /**
   * Writes the steps (and result) of this invocation to the record and tells the state machine what next:
   * `done` when the type is closed or the record stopped being pending.
   */
  private async record(
    cursor: SteppedCursor,
    update: ProgressUpdate,
    contact: ContactRecord,
    next: 'call' | 'done' = 'call',
    afterWrite?: () => Promise<void>,
  ): Promise<SteppedCursor> {
    const exhausted =
      next === 'call' && this.orderOf(contact, cursor.type)[cursor.provider_index] === undefined;
    if (exhausted) update.close = true;
    const closes = exhausted || update.found !== undefined;
    const written = await this.deps.progress.recordProgress(cursor.account_id, cursor.enrichment_id, update);
    if (written) await afterWrite?.();
    return { ...cursor, next: closes || !written ? 'done' : 'call' };
  }

  /**
   * The start of a type: a suppressed person is not enriched, and a cached find is reused. Returns the cursor to
   * answer with when the type ends here.
   */
  private async beginType(
    cursor: SteppedCursor,
    update: ProgressUpdate,
    record: ContactRecord,
  ): Promise<SteppedCursor | undefined> {
    if (await this.deps.suppressions?.contactSuppressed(record)) {
      update.steps.push(this.step(cursor, SUPPRESSION_STEP, { outcome: 'not_found', detail: 'suppressed' }));
      update.close = true;
      return this.record(cursor, update, record, 'done');
    }
    const cache = this.deps.cache;
    if (!cache || cache.settings.days <= 0 || record.use_cache === false) return undefined;
    const now = this.deps.clock.now().getTime();
    const cached = await cache.store.lookup(
      cacheOwner(cache.settings.scope, record.account_id),
      cacheIdentities(contactOf(record), cursor.type),
      cursor.type,
      new Date(now - cache.settings.days * 86_400_000),
    );
    if (!cached) return undefined;
    // A cached find is judged as a provider's answer is, against this request: countries, suppression, …
    const judged = await this.screen(this.judge(cursor, record, CACHE_STEP, answerOf(cached.result)), record);
    if (!judged.found) {
      // Not used: the providers are asked, as if nothing had been cached.
      const detail = judged.detail ?? 'not usable for this request';
      update.steps.push(this.step(cursor, CACHE_STEP, { outcome: 'rejected', detail }));
      return undefined;
    }
    const found = asCached(judged.found, cached.result);
    const original = Array.isArray(found) ? found[0]?.provider : found.provider;
    const hold = await this.hold(
      cursor,
      record,
      this.deps.holds?.prices.cachedPriceOf(cursor.type, original ?? ''),
    );
    if (hold === 'gone') return { ...cursor, next: 'done' };
    if (hold === 'over') {
      update.steps.push(this.step(cursor, CACHE_STEP, { outcome: 'error', detail: OVER_MAX_CREDITS }));
      return undefined;
    }
    if (hold) update.release = { held: hold.amount, charged: hold.amount };
    update.steps.push(this.step(cursor, CACHE_STEP, { outcome: 'found', detail: null }));
    update.found = found;
    return this.record(cursor, update, record, 'done');
  }

  /** The providers this record's type asks, in order: the request's own list, else the deployment's. */
  private orderOf(record: ContactRecord, type: EnrichmentType): readonly string[] {
    return record.providers?.[type] ?? this.deps.providers.order(type);
  }

  /**
   * Holds `price` on the record's `max_credits` before a provider (or the cache) is asked; nothing to hold for a
   * record without the cap.
   */
  private async hold(
    cursor: SteppedCursor,
    record: ContactRecord,
    price: number | undefined,
  ): Promise<{ amount: number } | 'over' | 'gone' | undefined> {
    const holds = this.deps.holds;
    if (record.max_credits === null || record.max_credits === undefined || !holds || price === undefined)
      return undefined;
    const outcome = await holds.store.hold(cursor.account_id, cursor.enrichment_id, cursor.type, price);
    return outcome === 'held' ? { amount: price } : outcome;
  }

  /**
   * The checks every find passes after its provider's answer is judged, against the request: a suppressed email
   * is dropped, and a catch-all one when the request does not accept them.
   */
  private async screen(judged: Judged, record: ContactRecord): Promise<Judged> {
    const found = judged.found;
    if (found && !Array.isArray(found) && (await this.deps.suppressions?.emailSuppressed(found.value))) {
      return { outcome: 'rejected', detail: 'suppressed' };
    }
    if (found && !Array.isArray(found) && found.status === 'catch_all' && record.accept_catch_all === false) {
      return { outcome: 'rejected', detail: 'catch_all not accepted' };
    }
    return judged;
  }

  /** Keeps a verified find for later enrichments of the same person. */
  private async remember(
    cursor: SteppedCursor,
    record: ContactRecord,
    found: NonNullable<ProgressUpdate['found']>,
  ): Promise<void> {
    const cache = this.deps.cache;
    if (!cache || cache.settings.days <= 0) return;
    const now = this.deps.clock.now();
    await cache.store.store(
      cacheOwner(cache.settings.scope, record.account_id),
      cacheIdentities(contactOf(record), cursor.type),
      { type: cursor.type, result: found, found_at: now.toISOString() },
      new Date(now.getTime() + cache.settings.days * 86_400_000),
    );
  }

  /** The provider's traffic decision; a slot reserved before a wait is used once the wait is over. */
  private async trafficFor(cursor: SteppedCursor, provider: string): Promise<TrafficDecision> {
    if (!this.deps.traffic) return { kind: 'go' };
    const now = this.deps.clock.now().getTime();
    if (cursor.slot_at !== null) {
      const slotAt = cursor.slot_at;
      cursor.slot_at = null;
      // Come: call. Long gone (the step ran late): calling now could bunch up with later slots; ask again.
      // The breaker may have opened while this step waited for its slot.
      if (now >= slotAt && now - slotAt <= LATE_SLOT_MS) return this.deps.traffic.admit(provider, now);
      if (now < slotAt) return { kind: 'wait', slotAt, reserved: true };
      return this.deps.traffic.acquire(provider, now);
    }
    return this.deps.traffic.acquire(provider, now);
  }

  /** Tells the breaker how a call ended (`error` undefined: the provider answered). */
  private async reportCall(provider: string, error: unknown): Promise<void> {
    const traffic = this.deps.traffic;
    if (!traffic) return;
    const now = this.deps.clock.now().getTime();
    if (error instanceof TransientProviderError) {
      return traffic.report(provider, { kind: 'failed', retryAfterSeconds: error.retryAfterSeconds }, now);
    }
    if (error instanceof PermanentProviderError && error.refusal) {
      return traffic.report(provider, { kind: 'refused', reason: error.refusal }, now);
    }
    // An answer, or a permanent error about this request (a malformed answer, a missing input): the provider works.
    return traffic.report(provider, { kind: 'answered' }, now);
  }

  /** Waits in the state machine until the reserved slot; the wait is not one of the provider's own waits. */
  private waitForSlot(cursor: SteppedCursor, slotAt: number, reserved: boolean): SteppedCursor {
    const seconds = Math.max(1, Math.ceil((slotAt - this.deps.clock.now().getTime()) / 1000));
    return { ...cursor, slot_at: reserved ? slotAt : null, next: 'wait', wait_seconds: seconds };
  }

  private mayWait(cursor: SteppedCursor): boolean {
    return cursor.waits < this.deps.maxWaitsPerProvider;
  }

  private waitFor(cursor: SteppedCursor, seconds: number): SteppedCursor {
    return {
      ...cursor,
      waits: cursor.waits + 1,
      next: 'wait',
      wait_seconds: Math.max(1, Math.ceil(seconds)),
    };
  }

  private step(
    cursor: SteppedCursor,
    provider: string,
    judged: Pick<WaterfallStep, 'outcome' | 'detail'>,
    started?: number,
  ): WaterfallStep {
    return {
      type: cursor.type,
      provider,
      outcome: judged.outcome,
      duration_ms: started === undefined ? 0 : this.deps.clock.now().getTime() - started,
      detail: judged.detail,
    };
  }

  private nextProvider(cursor: SteppedCursor): void {
    cursor.provider_index += 1;
    cursor.waits = 0;
    cursor.poll = null;
  }
}

/** The contact fields providers are asked about, read from the record (never from the workflow state). */
function contactOf(record: ContactRecord): ContactQuery {
  return {
    firstname: record.firstname,
    lastname: record.lastname,
    company_name: record.company_name,
    domain: record.domain,
    linkedin_url: record.linkedin_url,
    phone_country_codes: record.phone_country_codes,
  };
}

/** A cached find as the answer a provider would give, so that it is judged by the very same rules. */
function answerOf(result: CachedResult['result']): Exclude<ProviderAnswer, { kind: 'pending' }> {
  return Array.isArray(result)
    ? { kind: 'phones', phones: result.map(({ number, type, country }) => ({ number, type, country })) }
    : { kind: 'email', email: result.value, verdict: result.status };
}

/** The judged cached find, with each result's original provider and marked as reused. */
function asCached(
  found: NonNullable<ProgressUpdate['found']>,
  original: CachedResult['result'],
): NonNullable<ProgressUpdate['found']> {
  if (!Array.isArray(found)) {
    const provider = Array.isArray(original) ? found.provider : original.provider;
    return { ...found, provider, cached: true };
  }
  const phones = Array.isArray(original) ? original : [];
  return found.map((phone) => ({
    ...phone,
    provider: phones.find((kept) => kept.number === phone.number)?.provider ?? phone.provider,
    cached: true,
  }));
}

/** The trace of a provider (or verifier) that kept failing until the state machine gave up on it. */
function failureOutcome(
  failure: { Error?: string; Cause?: string },
  candidate: EmailCandidate | undefined,
): Pick<WaterfallStep, 'outcome' | 'detail'> {
  const name = failure.Error ?? 'Error';
  const why =
    name === 'States.Timeout'
      ? 'timed out'
      : name === 'TransientProviderError'
        ? 'transient errors persisted after retries'
        : `failed: ${name}`;
  // A verifier that kept failing leaves the found email unverified; the finder is not asked again.
  return candidate
    ? { outcome: 'rejected', detail: `unverified (verifier ${why})` }
    : { outcome: 'error', detail: why };
}
