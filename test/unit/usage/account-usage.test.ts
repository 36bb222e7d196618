/** GET /account/usage's rules: the range it reads (defaults, bounds, which parameter a 400 names) and its sums. */
import { ValidationError } from '../../../functions/domain/errors';
import { ReadAccountUsage, sumUsage, usageRangeOf } from '../../../functions/domain/usage/account-usage';

const TODAY = new Date('2026-12-07T10:00:00.000Z');

function refusal(query: Record<string, string>): { path: string; message: string }[] {
  try {
    usageRangeOf(query, TODAY);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('accepted');
}

describe('Function: usageRangeOf', () => {
  it('reads today and the 29 days before it by default', () => {
    // Assess
    expect(usageRangeOf(null, TODAY)).toEqual({ from: '2026-11-08', to: '2026-12-07' });
    expect(usageRangeOf({ to: '2026-03-01' }, TODAY)).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(usageRangeOf({ from: '2026-12-01' }, TODAY)).toEqual({ from: '2026-12-01', to: '2026-12-07' });
  });

  it('takes 366 days, both ends included, and one day', () => {
    // Assess
    expect(usageRangeOf({ from: '2025-12-07', to: '2026-12-07' }, TODAY)).toEqual({
      from: '2025-12-07',
      to: '2026-12-07',
    });
    expect(usageRangeOf({ from: '2026-12-07', to: '2026-12-07' }, TODAY).from).toBe('2026-12-07');
  });

  it.each(['2026-2-01', '2026-02-30', '20261201', ' 2026-12-01', '2026-12-01T00:00:00Z', '', '+2026-12-01'])(
    'refuses the malformed date %j, naming it',
    (value) => {
      // Assess
      expect(refusal({ from: value })).toEqual([
        { path: 'from', message: expect.stringMatching(/YYYY-MM-DD/) },
      ]);
      expect(refusal({ to: value })).toEqual([{ path: 'to', message: expect.stringMatching(/YYYY-MM-DD/) }]);
    },
  );

  it('refuses from after to, and a range over 366 days, naming from', () => {
    // Assess
    expect(refusal({ from: '2026-12-02', to: '2026-12-01' })).toEqual([
      { path: 'from', message: expect.stringMatching(/after to/) },
    ]);
    expect(refusal({ from: '2025-12-06', to: '2026-12-07' })).toEqual([
      { path: 'from', message: expect.stringMatching(/366 days/) },
    ]);
    expect(refusal({ from: '2026-12-08' })).toEqual([
      { path: 'from', message: expect.stringMatching(/after to/) },
    ]);
  });
});

describe('Function: sumUsage', () => {
  it('sums the days, with every type present and zeros where nothing was requested', () => {
    // Act
    const usage = sumUsage({ from: '2026-12-01', to: '2026-12-02' }, [
      {
        enrichments: 2,
        credits_charged: 3,
        'requested#email': 2,
        'found#email': 2,
        'found#email#hunter': 1,
        'found#email#cache': 1,
        'credits#email': 3,
        'credits#email#hunter': 2,
        'credits#email#cache': 1,
      },
      { credits_refunded: 1, enrichments: 1, credits_charged: 0, 'requested#email': 1 },
    ]);

    // Assess
    expect(usage).toEqual({
      from: '2026-12-01',
      to: '2026-12-02',
      enrichments: 3,
      credits_charged: 3,
      credits_refunded: 1,
      types: {
        email: {
          requested: 3,
          found: 2,
          credits: 3,
          by_provider: { hunter: { found: 1, credits: 2 }, cache: { found: 1, credits: 1 } },
        },
        phone: { requested: 0, found: 0, credits: 0, by_provider: {} },
        personal_email: { requested: 0, found: 0, credits: 0, by_provider: {} },
      },
    });
  });
});

describe('Class: ReadAccountUsage', () => {
  it('reads nothing when the range is refused', async () => {
    // Prepare
    const reads: unknown[] = [];
    const usage = new ReadAccountUsage({
      usage: { usageOf: async (...args) => (reads.push(args), []) },
      clock: { now: () => TODAY },
    });

    // Act
    const answer = usage.execute('A1', { from: 'yesterday' });

    // Assess
    await expect(answer).rejects.toBeInstanceOf(ValidationError);
    expect(reads).toEqual([]);
  });
});
