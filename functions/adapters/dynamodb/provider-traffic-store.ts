/**
 * Provider traffic, deployment-wide, in one table item per provider (`PROVIDER#<name>` / `#TRAFFIC`): the rate
 * limit's `tat` and the circuit breaker's state. The rules are the domain's (`domain/traffic/`); this store reads
 * the item, asks them, and persists what they decide with conditional writes, so concurrent callers never undo
 * each other's reservations or verdicts.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock';
import type { CallOutcome, ProviderTraffic, TrafficDecision } from '../../domain/ports/traffic';
import {
  CircuitBreaker,
  type BreakerRecord,
  type BreakerVerdict,
  type ProviderTrafficState,
} from '../../domain/traffic/circuit-breaker';
import { RateLimiter, type RateLimit } from '../../domain/traffic/rate-limit';
import { keys } from './keys';
import { isConditionFailure } from './transactions';

export interface TrafficSettings {
  /** Per provider; a provider without one is not rate limited. */
  rateLimits: Readonly<Record<string, RateLimit>>;
  cooldownSeconds: number;
  /** Told when a breaker opens (metrics, logs). */
  onOpen?: (provider: string, reason: string) => void;
  /**
   * The clock reservations are made by, read at the moment of the write; unless told, a reservation is made at
   * the `now` its caller asked at, so the store never judges by another clock than the caller's.
   */
  clock?: Clock;
}

interface TrafficItem extends BreakerRecord {
  tat?: number;
}

/** Reservations that lose a race are tried again this many times before the caller just waits a second. */
const RACE_ATTEMPTS = 5;

export class DynamoProviderTraffic implements ProviderTraffic {
  private readonly breaker: CircuitBreaker;
  private readonly limiters: ReadonlyMap<string, RateLimiter>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly settings: TrafficSettings,
  ) {
    this.breaker = new CircuitBreaker(settings.cooldownSeconds);
    this.limiters = new Map(
      Object.entries(settings.rateLimits).map(([provider, limit]) => [provider, new RateLimiter(limit)]),
    );
  }

  private key(provider: string) {
    return keys.providerTraffic(provider);
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
    if (gate) return gate;
    const limiter = this.limiters.get(provider);
    if (!limiter) return { kind: 'go' };
    // The reservation is made against the time it is made at, not when the step began.
    const at = this.settings.clock?.now().getTime() ?? now;
    const tat = await this.reserve(provider, limiter, at);
    return tat === undefined ? limiter.raced(at) : limiter.decide(tat, at);
  }

  async admit(provider: string, now: number): Promise<TrafficDecision> {
    const item = await this.read(provider);
    return (await this.breakerGate(provider, item, now)) ?? { kind: 'go' };
  }

  /** Undefined when the breaker lets the call through; a skip when open or another caller won the trial. */
  private async breakerGate(
    provider: string,
    item: TrafficItem,
    now: number,
  ): Promise<TrafficDecision | undefined> {
    const gate = this.breaker.gate(item, now);
    if (gate === 'pass') return undefined;
    if (gate === 'skip') return this.breaker.unavailable(item);
    // The cool-down is over (or the last trial vanished): this caller becomes the one trial, unless another won.
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
      // Another caller won the half-open trial: this one waits for the trial's verdict like the others.
      if (isConditionFailure(error)) return this.breaker.unavailable(item);
      throw error;
    }
  }

  /**
   * Reserves the next slot and answers `tat` after it: while the provider is busy one atomic increment does it,
   * so concurrent callers queue up without conflicts; an idle provider's `tat` is first brought to now.
   * Undefined when every attempt lost a race.
   */
  private async reserve(provider: string, limiter: RateLimiter, now: number): Promise<number | undefined> {
    for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(provider),
            UpdateExpression: 'SET tat = tat + :interval',
            ConditionExpression: 'tat >= :now',
            ExpressionAttributeValues: { ':interval': limiter.interval, ':now': now },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Attributes?.tat as number;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const next = limiter.reserve(undefined, now);
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(provider),
            UpdateExpression: 'SET tat = :next',
            ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
            ExpressionAttributeValues: { ':next': next, ':now': now },
          }),
        );
        return next;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return undefined;
  }

  async report(provider: string, outcome: CallOutcome, now: number): Promise<void> {
    const refusal = this.breaker.refusal(outcome);
    if (refusal) return this.apply(provider, refusal, now);
    const failed = outcome.kind === 'failed';
    const counted = await this.count(provider, failed, now);
    const limiter = this.limiters.get(provider);
    if (failed && outcome.retryAfterSeconds && limiter) {
      await this.holdBack(provider, limiter.heldBackUntil(outcome.retryAfterSeconds, now));
    }
    return this.apply(provider, this.breaker.afterCall(counted, failed), now);
  }

  private async apply(provider: string, verdict: BreakerVerdict, now: number): Promise<void> {
    if (verdict.kind === 'open') return this.open(provider, verdict.reason, now);
    if (verdict.kind === 'close') return this.close(provider);
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
          ExpressionAttributeValues: {
            ':one': 1,
            ':failed': failed ? 1 : 0,
            ':cutoff': this.breaker.windowCutoff(now),
          },
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

  /** Pushes `tat` to `until`, never back. */
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
          ':until': this.breaker.openUntil(now),
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
    return this.breaker.status(provider, await this.read(provider), now);
  }
}
