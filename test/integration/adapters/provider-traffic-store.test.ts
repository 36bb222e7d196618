/**
 * Provider traffic on DynamoDB Local with a clock the test moves: concurrent callers reserve distinct slots,
 * the breaker lets exactly one trial through after its cool-down, and a Retry-After holds every caller back.
 */
import { DynamoProviderTraffic } from '../../../functions/adapters/dynamodb/provider-traffic-store';
import type { TrafficDecision } from '../../../functions/domain/ports/traffic';
import { createTestTable, type TestTable } from '../../support/dynamo';

const T0 = Date.UTC(2026, 0, 1);
const COOLDOWN_SECONDS = 300;

describe('Class: DynamoProviderTraffic', () => {
  let table: TestTable;
  let now = T0;
  const clock = { now: () => new Date(now) };
  const opened: string[] = [];
  let traffic: DynamoProviderTraffic;

  beforeAll(async () => {
    table = await createTestTable();
    traffic = new DynamoProviderTraffic(table.db, table.tableName, {
      rateLimits: { limited: { perSecond: 5 }, held: { perSecond: 5 } },
      cooldownSeconds: COOLDOWN_SECONDS,
      onOpen: (provider, reason) => opened.push(`${provider}: ${reason}`),
      clock,
    });
  });
  afterAll(() => table.drop());
  beforeEach(() => {
    now = T0;
  });

  it('gives 100 concurrent callers slots within 5 calls a second on average and twice that in any second', async () => {
    // Prepare
    const callAt: number[] = [];
    let asking = 100;

    // Act: every caller asks at once; one that lost every race asks again when told, with the clock moved on.
    while (asking > 0) {
      const decisions = await Promise.all(
        Array.from({ length: asking }, () => traffic.acquire('limited', now)),
      );
      asking = 0;
      for (const decision of decisions) {
        if (decision.kind === 'go') callAt.push(now);
        else if (decision.kind === 'wait' && decision.reserved) callAt.push(decision.slotAt);
        else asking += 1;
      }
      now += 1000;
    }

    // Assess
    expect(callAt).toHaveLength(100);
    const sorted = callAt.sort((a, b) => a - b);
    const maxInAnySecond = Math.max(
      ...sorted.map((at) => sorted.filter((t) => t >= at && t < at + 1000).length),
    );
    expect(maxInAnySecond).toBeLessThanOrEqual(2 * 5);
    const seconds = (sorted.at(-1)! - sorted[0]!) / 1000;
    expect(100 / (seconds + 1)).toBeLessThanOrEqual(5);
  });

  it('lets exactly one caller through as the trial once the cool-down is over, and closes on its answer', async () => {
    // Prepare
    await traffic.report('open', { kind: 'refused', reason: 'out_of_credits' }, now);
    const during = await traffic.acquire('open', now + COOLDOWN_SECONDS * 1000 - 1);
    now += COOLDOWN_SECONDS * 1000;

    // Act
    const callers = await Promise.all(Array.from({ length: 5 }, () => traffic.acquire('open', now)));
    const halfOpen = await traffic.status('open', now);
    await traffic.report('open', { kind: 'answered' }, now);

    // Assess
    expect(opened).toContain('open: out_of_credits');
    const skip: TrafficDecision = { kind: 'skip', reason: 'provider unavailable (out of credits)' };
    expect(during).toEqual(skip);
    expect(callers.filter((decision) => decision.kind === 'go')).toHaveLength(1);
    expect(callers.filter((decision) => decision.kind === 'skip')).toHaveLength(4);
    expect(halfOpen.state).toBe('half_open');
    expect(await traffic.status('open', now)).toMatchObject({ state: 'closed', reason: null });
  });

  it('opens when most calls of the window fail, and again when the trial fails', async () => {
    // Act
    for (let i = 0; i < 9; i++) await traffic.report('failing', { kind: 'failed' }, now);
    const beforeTenth = await traffic.status('failing', now);
    await traffic.report('failing', { kind: 'failed' }, now);
    const afterTenth = await traffic.status('failing', now);
    now += COOLDOWN_SECONDS * 1000;
    const trial = await traffic.admit('failing', now);
    await traffic.report('failing', { kind: 'failed' }, now);

    // Assess
    expect(beforeTenth).toMatchObject({ state: 'closed', window_calls: 9, window_failures: 9 });
    expect(afterTenth).toMatchObject({ state: 'open', reason: 'failing on most calls' });
    expect(trial).toEqual({ kind: 'go' });
    expect(await traffic.status('failing', now)).toMatchObject({
      state: 'open',
      open_until: new Date(now + COOLDOWN_SECONDS * 1000).toISOString(),
    });
  });

  it("holds every caller back until the provider's Retry-After", async () => {
    // Act
    await traffic.report('held', { kind: 'failed', retryAfterSeconds: 30 }, now);
    const next = await traffic.acquire('held', now + 1);

    // Assess: the held-back slot, less the burst allowance of two slots.
    expect(next).toEqual({ kind: 'wait', slotAt: T0 + 30_000 + 200 - 400, reserved: true });
  });
});
