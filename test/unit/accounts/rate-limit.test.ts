import {
  AccountRateLimit,
  takeFromBucket,
  type BucketTake,
  type BucketWrite,
} from '../../../functions/domain/accounts/rate-limit';
import { RateLimitedError } from '../../../functions/domain/errors';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + Math.round(seconds * 1000));

/** The bucket as the account item holds it after a write (what the store's update does). */
function written(fullAt: number | null, write: BucketWrite): number {
  return write.kind === 'from_full' ? write.fullAt : fullAt! + write.by;
}

/** A client of one account: it sends requests at given times, keeping the bucket as the table would. */
function account(perSecond: number) {
  const limit = new AccountRateLimit(perSecond);
  let fullAt: number | null = null;
  return {
    send(cost: number, seconds: number): BucketTake {
      const take = limit.take(fullAt, cost, at(seconds));
      if (take.admitted) fullAt = written(fullAt, take.write);
      return take;
    },
    /** How many single requests are admitted at one instant. */
    burst(seconds: number): number {
      let admitted = 0;
      while (this.send(1, seconds).admitted) admitted++;
      return admitted;
    },
  };
}

describe('Class: AccountRateLimit', () => {
  it('admits twice the rate at once from a full bucket, then refuses with Retry-After 1', () => {
    // Prepare
    const client = account(20);

    // Act
    const admitted = client.burst(0);
    const refused = client.send(1, 0);

    // Assess
    expect(admitted).toBe(40);
    expect(refused).toEqual({
      admitted: false,
      retryAfterSeconds: 1,
      status: { limit: 20, remaining: 0, resetSeconds: 2 },
    });
  });

  it('refills at the rate: a second after emptying it, the rate fits again', () => {
    // Prepare
    const client = account(20);
    client.burst(0);

    // Act
    const afterHalfASecond = client.burst(0.5);
    const afterOneSecond = client.burst(1.5);

    // Assess
    expect(afterHalfASecond).toBe(10);
    expect(afterOneSecond).toBe(20);
  });

  it('never refills beyond its capacity, however long the account was idle', () => {
    // Prepare
    const client = account(20);
    client.send(1, 0);

    // Act
    const admitted = client.burst(3600);

    // Assess
    expect(admitted).toBe(40);
  });

  it('reports the limit, what remains and whole seconds until full on an accepted request', () => {
    // Prepare
    const client = account(20);

    // Act
    const first = client.send(1, 0);
    const tenMore = client.send(10, 0);

    // Assess
    expect(first).toMatchObject({ admitted: true, status: { limit: 20, remaining: 39, resetSeconds: 1 } });
    expect(tenMore).toMatchObject({ admitted: true, status: { limit: 20, remaining: 29, resetSeconds: 1 } });
  });

  it('admits a bulk larger than its capacity from a full bucket, and the debt is paid before the next fits', () => {
    // Prepare
    const client = account(20);

    // Act
    const bulk = client.send(100, 0);
    const refused = client.send(1, 0);
    const tooEarly = client.send(1, 3);
    const onTime = client.send(1, 3.05);

    // Assess
    expect(bulk).toMatchObject({ admitted: true, status: { remaining: 0, resetSeconds: 5 } });
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 4, status: { resetSeconds: 5 } });
    expect(tooEarly.admitted).toBe(false);
    expect(onTime.admitted).toBe(true);
  });

  it('refuses a bulk larger than its capacity until the bucket is full again', () => {
    // Prepare
    const client = account(20);
    client.send(1, 0);

    // Act
    const refused = client.send(100, 0);
    const whenFull = client.send(100, 0.05);

    // Assess
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 1 });
    expect(whenFull.admitted).toBe(true);
  });

  it('says in whole seconds when a request that does not fit will', () => {
    // Prepare
    const client = account(10);
    client.send(20, 0);

    // Act
    const refused = client.send(15, 0.2);
    const afterRetryAfter = client.send(15, 0.2 + (refused.admitted ? 0 : refused.retryAfterSeconds));

    // Assess: 15 contacts need 1.5 s of refill
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 2, status: { remaining: 2 } });
    expect(afterRetryAfter.admitted).toBe(true);
  });

  it("takes the account's own rate over the deployment's, and none when the deployment's is 0", () => {
    // Act
    const own = AccountRateLimit.of({ rate_limit: 5 }, 20);
    const deployment = AccountRateLimit.of({ rate_limit: null }, 20);
    const off = AccountRateLimit.of({ rate_limit: null }, 0);

    // Assess
    expect(own?.capacity).toBe(10);
    expect(deployment?.capacity).toBe(40);
    expect(off).toBeUndefined();
  });
});

describe('Function: takeFromBucket', () => {
  const fresh = { rate_limit: 1, bucket_full_at: null };

  it('decides again from the bucket the commit found when another request moved it first', async () => {
    // Prepare: the account was read full, but another request took one contact meanwhile
    const writes: BucketWrite[] = [];
    const movedTo = at(0.5).getTime() * 1000;

    // Act
    const { outcome, status } = await takeFromBucket(fresh, 20, { cost: 1, now: at(0) }, async (write) => {
      writes.push(write!);
      return writes.length === 1 ? { kind: 'bucket_moved', fullAt: movedTo } : { kind: 'accepted' };
    });

    // Assess
    expect(outcome).toEqual({ kind: 'accepted' });
    expect(writes.map((write) => write.kind)).toEqual(['from_full', 'from_level']);
    expect(status).toEqual({ limit: 1, remaining: 0, resetSeconds: 2 });
  });

  it('refuses, committing nothing more, when the moved bucket no longer holds the request', async () => {
    // Prepare
    const commits: Array<BucketWrite | undefined> = [];
    const movedTo = at(2).getTime() * 1000;

    // Act
    const taking = takeFromBucket(fresh, 20, { cost: 1, now: at(0) }, async (write) => {
      commits.push(write);
      return { kind: 'bucket_moved' as const, fullAt: movedTo };
    });

    // Assess
    await expect(taking).rejects.toBeInstanceOf(RateLimitedError);
    await expect(taking).rejects.toMatchObject({ retryAfterSeconds: 1, rateLimit: { remaining: 0 } });
    expect(commits).toHaveLength(1);
  });

  it('commits without a bucket write when the account has no limit', async () => {
    // Act
    const { outcome, status } = await takeFromBucket(
      { rate_limit: null, bucket_full_at: null },
      0,
      { cost: 100, now: at(0) },
      async (write) => ({ kind: write === undefined ? 'accepted' : 'limited' }),
    );

    // Assess
    expect(outcome).toEqual({ kind: 'accepted' });
    expect(status).toBeUndefined();
  });
});
