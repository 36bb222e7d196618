/**
 * Record what a client saw when it used an enrichment's results (POST /contacts/{id}/feedback): an email that
 * bounced or was delivered, a phone number that was wrong or connected. A result reported bad leaves the results
 * cache, counts once in its provider's bounces, and, within the refund window, gives back what it was charged.
 *
 * Input: the account, the enrichment id and the parsed JSON body.
 * Output: the record with its feedback (the handler answers the GET /contacts/{id} view).
 *
 * Primary course:
 *  1. Check the body (`feedback-request.ts`): 400 naming each offending field, nothing read or written.
 *  2. Read the record of this account (anything else is 404); a pending one is 409 invalid_state.
 *  3. Each type reported must have been found, each number must be one of `results.phones`: else 400 naming it.
 *  4. Decide, from the record as read: each reported result's outcome (the same outcome again keeps its first
 *     `at`; another replaces it); the results newly reported bad (they leave the cache and count as bounces of
 *     the provider that found them, the original one for a result reused from the cache, on the day of the
 *     finish; a phone list is one result, counted once, at its first wrong number); and the refund: with `refundOnBounce` on and within `refundWindowDays` of `finished_at`, each
 *     type not refunded before whose result is bad (an email or personal email bounced; phones once every
 *     number of the list is a wrong number, since the list was charged once) gives back its charge. A charge of
 *     0 gives back nothing.
 *  5. Nothing changed: answer the record as it is, writing nothing (a feedback sent again).
 *  6. Write it all in one transaction, conditional on the record being as read; if another feedback wrote
 *     first, read again and go back to 3. So concurrent identical feedbacks refund exactly once.
 *  7. Then drop each newly bad result from the cache, each item only while it still holds the value reported bad
 *     (a newer find cached since stays). Outside the transaction, since a kept item must not cancel the feedback;
 *     a drop that fails (after the SDK's own retries) is reported (`onUncacheFailed`) and the feedback stands: the
 *     bad value may then be reused until its item's TTL.
 */
import type { Clock } from '../clock';
import { chargesWithin, refundCredits, type PriceList } from '../credits/credits';
import type {
  ContactRecord,
  FeedbackEntry,
  PhoneFeedbackEntry,
  PhoneResult,
  StoredFeedback,
} from '../enrichment/contact';
import type { EnrichmentType } from '../enrichment/enrichment-request';
import { getContact } from '../enrichment/get-contact';
import { cacheIdentities, cacheOwner, type CacheScope } from '../enrichment/result-cache';
import { InvalidStateError, ValidationError, type FieldError } from '../errors';
import type {
  BadResultCache,
  Bounce,
  CachedFind,
  FeedbackRepository,
  FeedbackWrite,
} from '../ports/feedback';
import { utcDay } from '../usage/counters';
import { BAD_OUTCOMES, parseFeedbackRequest, type FeedbackRequest } from './feedback-request';

export interface RefundSettings {
  /** Results reported bad are refunded (`refundOnBounce`). */
  onBounce: boolean;
  /** Within this many days of the enrichment's finish (`refundWindowDays`). */
  windowDays: number;
}

export interface RecordFeedbackDependencies {
  feedback: FeedbackRepository;
  clock: Clock;
  prices: PriceList;
  refunds: RefundSettings;
  /** Whose cached finds a bad result is dropped from: the account's own, or the deployment's. */
  cacheScope: CacheScope;
  cache: BadResultCache;
  /** Told of a cache drop that failed (the feedback is written already); ids and error names only. */
  onUncacheFailed?: (error: unknown) => void;
}

/** Reads and writes made from a stale read are decided again; concurrent feedbacks settle well within this. */
const MAX_ATTEMPTS = 10;

const DAY_MS = 86_400_000;

const isBad = (outcome: string | undefined) => outcome !== undefined && BAD_OUTCOMES.has(outcome);

const EMAIL_TYPES = ['email', 'personal_email'] as const;

/** The refund candidates, in the order credits are charged. */
const REFUND_ORDER: readonly EnrichmentType[] = ['email', 'phone', 'personal_email'];

export class RecordFeedback {
  constructor(private readonly deps: RecordFeedbackDependencies) {}

  async execute(accountId: string, enrichmentId: string, body: unknown): Promise<ContactRecord> {
    const request = parseFeedbackRequest(body);
    for (let attempt = 1; ; attempt++) {
      const record = await getContact(this.deps.feedback, accountId, enrichmentId);
      if (record.status !== 'finished') {
        throw new InvalidStateError(
          'This enrichment is still pending: feedback is taken once it has finished.',
        );
      }
      const write = decideFeedback(record, request, this.deps.clock.now(), this.deps);
      if (!write) return record;
      if (await this.deps.feedback.recordFeedback(write)) {
        await this.uncache(write.uncache);
        return applied(record, write);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`Feedback on ${enrichmentId} collided with other writes ${attempt} times.`);
      }
    }
  }

  /** Step 7: each drop on its own; a failed one is reported, never the feedback's failure. */
  private async uncache(finds: readonly CachedFind[]): Promise<void> {
    const drops = await Promise.allSettled(finds.map((find) => this.deps.cache.forgetBad(find)));
    for (const drop of drops) {
      if (drop.status === 'rejected') this.deps.onUncacheFailed?.(drop.reason);
    }
  }
}

/** The record as the write leaves it. */
function applied(record: ContactRecord, write: FeedbackWrite): ContactRecord {
  return {
    ...record,
    feedback: write.feedback,
    credits_refunded: (record.credits_refunded ?? 0) + (write.refund?.credits ?? 0),
    refunded: [...(record.refunded ?? []), ...(write.refund?.types ?? [])],
    feedback_version: write.version + 1,
  };
}

/** Step 3: every reported result must be one the enrichment found. */
function unknownResults(record: ContactRecord, request: FeedbackRequest): FieldError[] {
  const errors: FieldError[] = [];
  for (const type of EMAIL_TYPES) {
    if (request[type] !== undefined && !record.results?.[type]) {
      errors.push({ path: type, message: `was not found by this enrichment, so it cannot be reported on` });
    }
  }
  if (request.phones) {
    const found = new Set((record.results?.phones ?? []).map((phone) => phone.number));
    if (!found.size) {
      errors.push({
        path: 'phones',
        message: 'no phone was found by this enrichment, so none can be reported on',
      });
    } else {
      request.phones.forEach((phone, index) => {
        if (!found.has(phone.number)) {
          errors.push({ path: `phones[${index}].number`, message: "is not one of this enrichment's phones" });
        }
      });
    }
  }
  return errors;
}

/** An entry with its new outcome: the same outcome keeps its entry, another replaces it. */
function reported<Entry extends FeedbackEntry<string> & { counted?: boolean }>(
  old: Entry | undefined,
  next: Omit<Entry, 'at' | 'counted'>,
  at: string,
): { entry: Entry; changed: boolean; newlyBad: boolean } {
  if (old?.outcome === next.outcome) return { entry: old, changed: false, newlyBad: false };
  const newlyBad = isBad(next.outcome) && !old?.counted;
  const counted = !!old?.counted || isBad(next.outcome);
  return { entry: { ...next, at, ...(counted ? { counted } : {}) } as Entry, changed: true, newlyBad };
}

/**
 * Step 4: what the feedback changes on this record at `now`; null when it changes nothing. Throws
 * ValidationError for a result the enrichment did not find.
 */
export function decideFeedback(
  record: ContactRecord,
  request: FeedbackRequest,
  now: Date,
  settings: Pick<RecordFeedbackDependencies, 'prices' | 'refunds' | 'cacheScope'>,
): FeedbackWrite | null {
  const errors = unknownResults(record, request);
  if (errors.length)
    throw new ValidationError(errors, 'The feedback names results this enrichment did not find.');
  const results = record.results ?? {};
  const at = now.toISOString();
  const finishedDay = utcDay(record.finished_at ?? now);
  const old: StoredFeedback = record.feedback ?? {};
  const feedback: StoredFeedback = { ...old };
  // Results newly reported bad count once in their provider's bounces and leave the cache.
  const bounced: Array<{ type: EnrichmentType; provider: string }> = [];
  const uncached = new Map<EnrichmentType, string[]>();
  let changed = false;

  for (const type of EMAIL_TYPES) {
    const outcome = request[type];
    const result = results[type];
    if (outcome === undefined || !result) continue;
    const next = reported(old[type], { outcome }, at);
    feedback[type] = next.entry;
    changed ||= next.changed;
    if (next.newlyBad) {
      bounced.push({ type, provider: result.provider });
      uncached.set(type, [result.value]);
    }
  }

  if (request.phones) {
    const phones = results.phones ?? [];
    const byNumber = new Map((old.phones ?? []).map((entry) => [entry.number, entry]));
    // The list is one result (one find, one charge, one `found#phone`): it counts one bounce, at its first wrong
    // number. Each number newly reported wrong still drops the list from the cache while it holds that number.
    let listCounted = (old.phones ?? []).some((entry) => entry.counted);
    let newlyWrong = false;
    for (const phone of request.phones) {
      const next = reported(byNumber.get(phone.number), phone, at);
      byNumber.set(phone.number, next.entry);
      changed ||= next.changed;
      if (!next.newlyBad) continue;
      newlyWrong = true;
      if (listCounted) continue;
      const result = phones.find((candidate) => candidate.number === phone.number) as PhoneResult;
      bounced.push({ type: 'phone', provider: result.provider });
      listCounted = true;
    }
    // In the order of the results, so the record reads alongside them.
    feedback.phones = phones.flatMap((result) => {
      const entry = byNumber.get(result.number);
      return entry ? [entry as PhoneFeedbackEntry & { counted?: boolean }] : [];
    });
    if (newlyWrong) {
      uncached.set(
        'phone',
        feedback.phones.filter((entry) => isBad(entry.outcome)).map((entry) => entry.number),
      );
    }
  }

  const refund = refundOf(record, feedback, now, settings);
  if (!changed && !refund) return null;

  const bounces: Bounce[] = bounced.map(({ type, provider }) => ({ provider, day: finishedDay, type }));
  const owner = cacheOwner(settings.cacheScope, record.account_id);
  const uncache: CachedFind[] = [...uncached].flatMap(([type, values]) =>
    cacheIdentities(record, type).map((identity) => ({ identity, owner, type, values })),
  );
  return {
    accountId: record.account_id,
    enrichmentId: record.enrichment_id,
    version: record.feedback_version ?? 0,
    feedback,
    refund,
    bounces,
    uncache,
  };
}

/** The types whose result is now wrong as a whole: an email bounced, or every phone number of the list wrong. */
function badTypes(record: ContactRecord, feedback: StoredFeedback): EnrichmentType[] {
  const phones = record.results?.phones ?? [];
  const outcomes = new Map((feedback.phones ?? []).map((entry) => [entry.number, entry.outcome]));
  const bad: Partial<Record<EnrichmentType, boolean>> = {
    email: isBad(feedback.email?.outcome),
    personal_email: isBad(feedback.personal_email?.outcome),
    phone: phones.length > 0 && phones.every((phone) => isBad(outcomes.get(phone.number))),
  };
  return REFUND_ORDER.filter((type) => bad[type]);
}

/**
 * What a type was charged: as the finish recorded it, or, on a record finished before charges were kept, its
 * share rebuilt with the finish's own rule (each found type its price, in the order email, phone, personal email,
 * within `credits_used`); never more than is left of `credits_used` after what was refunded already.
 */
function chargeOf(record: ContactRecord, type: EnrichmentType, left: number, prices: PriceList): number {
  const charges =
    record.charges ?? chargesWithin(record.credits_used, prices.pricesByType(record.results ?? {}));
  return Math.max(0, Math.min(charges[type] ?? 0, left));
}

function refundOf(
  record: ContactRecord,
  feedback: StoredFeedback,
  now: Date,
  { prices, refunds }: Pick<RecordFeedbackDependencies, 'prices' | 'refunds'>,
): FeedbackWrite['refund'] {
  if (!refunds.onBounce || !record.finished_at) return null;
  if (now.getTime() > Date.parse(record.finished_at) + refunds.windowDays * DAY_MS) return null;
  const already = new Set(record.refunded ?? []);
  let left = record.credits_used - (record.credits_refunded ?? 0);
  const types: EnrichmentType[] = [];
  let credits = 0;
  for (const type of badTypes(record, feedback)) {
    if (already.has(type)) continue;
    const charge = chargeOf(record, type, left, prices);
    if (charge <= 0) continue;
    types.push(type);
    credits += charge;
    left -= charge;
  }
  if (!credits) return null;
  const at = now.toISOString();
  return {
    movement: refundCredits(credits, at, record.enrichment_id),
    credits,
    types,
    day: utcDay(now),
  };
}
