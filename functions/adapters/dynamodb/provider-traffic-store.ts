/**
 * Provider traffic, deployment-wide, in one table item per provider (`PROVIDER#<name>` / `#TRAFFIC`):
 *
 * - **Rate limit** by the generic cell rate algorithm: the item keeps the theoretical arrival time `tat` of the
 *   next call; a caller reserves the next slot with a conditional write and either calls now (within the burst
 *   allowance) or waits in the state machine until its slot. Over any stretch of time the provider gets no more
 *   than `perSecond` calls per second on average, and at most twice that in any one second (a step that comes
 *   back long after its slot asks for a new one rather than calling late, so late calls do not bunch up). A provider's
 *   Retry-After pushes `tat` back for every caller.
 * - **Circuit breaker**: a refusal (bad key, no credits) opens it at once; failures on most calls of the current
 *   one-minute window (at least ten calls) open it too. While open the provider is skipped; after the cool-down
 *   one caller is let through as a trial (half-open): an answer closes it, a failure opens it again.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallOutcome, ProviderTraffic, TrafficDecision } from '../../domain/ports';
import { isConditionFailure } from './transactions';

export interface RateLimit {
  perSecond: number;
}

export interface TrafficSettings {
  /** Per provider; a provider without one is not rate limited. */
  rateLimits: Readonly<Record<string, RateLimit>>;
  cooldownSeconds: number;
  /** Told when a breaker opens (metrics, logs). */
  onOpen?: (provider: string, reason: string) => void;
  /** The clock reservations are made by (epoch ms). */
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/** A provider's traffic state as the operator sees it (`npm run admin -- providers status`). */
export interface ProviderTrafficState {
  provider: string;
  state: CircuitState;
  reason: string | null;
  open_until: string | null;
  window_calls: number;
  window_failures: number;
}

interface TrafficItem {
  tat?: number;
  state?: CircuitState;
  open_until?: number;
  reason?: string | null;
  trial_at?: number;
  window_start?: number;
  window_calls?: number;
  window_failures?: number;
}

/** The breaker's window, and what makes "most recent calls" failing. */
const WINDOW_MS = 60_000;
const MIN_CALLS = 10;
const FAILURE_SHARE = 0.5;
/** A half-open trial that has not reported back after this long (its step died) lets another one through. */
const TRIAL_TIMEOUT_MS = 60_000;
/** Reservations that lose a race are tried again this many times before the caller just waits a second. */
const RACE_ATTEMPTS = 5;

const REASONS: Readonly<Record<string, string>> = {
  bad_key: 'API key rejected',
  out_of_credits: 'out of credits',
  failing: 'failing on most calls',
};

export class DynamoProviderTraffic implements ProviderTraffic {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly settings: TrafficSettings,
  ) {}

  private key(provider: string) {
    return { PK: `PROVIDER#${provider}`, SK: '#TRAFFIC' };
  }

  private async read(provider: string): Promise<TrafficItem> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(provider), ConsistentRead: true }),
    );
    return (Item ?? {}) as TrafficItem;
  }

  async acquire(provider: string, now: number): Promise<TrafficDecision> {
    const item = await this.read(provider);
    const gate = await this.breakerGate(provider, item, now);
    // Another caller won the half-open trial: this one waits for the trial's verdict like the others.
    if (gate === 'raced') return this.unavailable(item);
    if (gate) return gate;
    const limit = this.settings.rateLimits[provider];
    if (!limit) return { kind: 'go' };
    // The reservation is made against the time it is made at, not when the step began.
    const at = this.settings.now?.() ?? Date.now();
    const slotAt = await this.reserve(provider, limit, at);
    if (slotAt === undefined) return { kind: 'wait', slotAt: at + 1000, reserved: false };
    return slotAt <= at ? { kind: 'go' } : { kind: 'wait', slotAt: Math.ceil(slotAt), reserved: true };
  }

  async admit(provider: string, now: number): Promise<TrafficDecision> {
    const item = await this.read(provider);
    const gate = await this.breakerGate(provider, item, now);
    if (gate === 'raced') return this.unavailable(item);
    return gate ?? { kind: 'go' };
  }

  private unavailable(item: TrafficItem): TrafficDecision {
    return {
      kind: 'skip',
      reason: `provider unavailable (${REASONS[item.reason ?? ''] ?? item.reason ?? 'circuit open'})`,
    };
  }

  /** Undefined when the breaker lets the call through; a skip when open; 'raced' when a write lost a race. */
  private async breakerGate(
    provider: string,
    item: TrafficItem,
    now: number,
  ): Promise<TrafficDecision | 'raced' | undefined> {
    const skip = this.unavailable(item);
    if (item.state === 'open' && now < (item.open_until ?? 0)) return skip;
    if (item.state === 'half_open' && now - (item.trial_at ?? 0) < TRIAL_TIMEOUT_MS) return skip;
    if (item.state !== 'open' && item.state !== 'half_open') return undefined;
    // The cool-down is over (or the last trial vanished): this caller is the one trial.
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(provider),
          UpdateExpression: 'SET #state = :half, trial_at = :now',
          ConditionExpression: '#state = :seen AND (attribute_not_exists(trial_at) OR trial_at = :trial)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':half': 'half_open',
            ':now': now,
            ':seen': item.state,
            ':trial': item.trial_at ?? 0,
          },
        }),
      );
      return undefined;
    } catch (error) {
      if (isConditionFailure(error)) return 'raced';
      throw error;
    }
  }

  /**
   * Reserves the next slot and answers when it comes (epoch ms): while the provider is busy (`tat` ahead of now)
   * one atomic increment does it, so concurrent callers queue up without conflicts; an idle provider's `tat` is
   * first brought to now. Undefined when every attempt lost a race.
   */
  private async reserve(provider: string, limit: RateLimit, now: number): Promise<number | undefined> {
    const interval = 1000 / limit.perSecond;
    // Half a second's calls may go at once: with the steady rate on top, one and a half times the rate in any
    // second, which leaves room for calls made a little after their slot and stays within twice the rate.
    const allowance = Math.max(1, Math.floor(limit.perSecond / 2)) * interval;
    for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(provider),
            UpdateExpression: 'SET tat = tat + :interval',
            ConditionExpression: 'tat >= :now',
            ExpressionAttributeValues: { ':interval': interval, ':now': now },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return (Attributes?.tat as number) - allowance;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(provider),
            UpdateExpression: 'SET tat = :next',
            ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
            ExpressionAttributeValues: { ':next': now + interval, ':now': now },
          }),
        );
        return now + interval - allowance;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return undefined;
  }

  async report(provider: string, outcome: CallOutcome, now: number): Promise<void> {
    if (outcome.kind === 'refused') return this.open(provider, outcome.reason, now);
    const failed = outcome.kind === 'failed';
    const item = await this.count(provider, failed, now);
    if (failed && outcome.retryAfterSeconds && this.settings.rateLimits[provider]) {
      await this.holdBack(provider, now + outcome.retryAfterSeconds * 1000);
    }
    if (item.state === 'half_open') {
      if (failed) return this.open(provider, item.reason ?? 'failing', now);
      return this.close(provider);
    }
    const calls = item.window_calls ?? 0;
    const failures = item.window_failures ?? 0;
    if (failed && item.state !== 'open' && calls >= MIN_CALLS && failures / calls >= FAILURE_SHARE) {
      return this.open(provider, 'failing', now);
    }
  }

  /** Counts a call in the current window (starting a new one when it is over) and returns the item after it. */
  private async count(provider: string, failed: boolean, now: number): Promise<TrafficItem> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(provider),
          UpdateExpression: 'ADD window_calls :one, window_failures :failed',
          ConditionExpression: 'window_start > :cutoff',
          ExpressionAttributeValues: { ':one': 1, ':failed': failed ? 1 : 0, ':cutoff': now - WINDOW_MS },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes ?? {}) as TrafficItem;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(provider),
        UpdateExpression: 'SET window_start = :now, window_calls = :one, window_failures = :failed',
        ExpressionAttributeValues: { ':now': now, ':one': 1, ':failed': failed ? 1 : 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (Attributes ?? {}) as TrafficItem;
  }

  private async holdBack(provider: string, until: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(provider),
          UpdateExpression: 'SET tat = :until',
          ConditionExpression: 'attribute_not_exists(tat) OR tat < :until',
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async open(provider: string, reason: string, now: number): Promise<void> {
    this.settings.onOpen?.(provider, reason);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(provider),
        UpdateExpression: 'SET #state = :open, open_until = :until, reason = :reason REMOVE trial_at',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':open': 'open',
          ':until': now + this.settings.cooldownSeconds * 1000,
          ':reason': reason,
        },
      }),
    );
  }

  /** Closes the breaker: after a successful trial, or by the operator once the key is fixed. */
  async close(provider: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(provider),
        UpdateExpression:
          'SET #state = :closed, window_calls = :zero, window_failures = :zero REMOVE open_until, reason, trial_at',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':closed': 'closed', ':zero': 0 },
      }),
    );
  }

  async status(provider: string, now: number): Promise<ProviderTrafficState> {
    const item = await this.read(provider);
    const open = item.state === 'open' || item.state === 'half_open';
    return {
      provider,
      state: item.state ?? 'closed',
      reason: open ? (REASONS[item.reason ?? ''] ?? item.reason ?? null) : null,
      open_until: open && item.open_until ? new Date(item.open_until).toISOString() : null,
      window_calls: now - (item.window_start ?? 0) < WINDOW_MS ? (item.window_calls ?? 0) : 0,
      window_failures: now - (item.window_start ?? 0) < WINDOW_MS ? (item.window_failures ?? 0) : 0,
    };
  }
}
