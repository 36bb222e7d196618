import {
  chargesWithin,
  grantCredits,
  PriceList,
  refundCredits,
  releaseReservation,
  reserveCredits,
  reversed,
  settle,
  settleCredits,
  type CreditMovement,
} from '../../functions/domain/credits/credits';
import type { WaterfallSettings } from '../../functions/domain/enrichment/waterfall-settings';

const settings: WaterfallSettings = {
  order: { email: ['a', 'b'], phone: ['a'], personal_email: [] },
  prices: { b: { email: 4 } },
  verifier: null,
};

describe('Class: PriceList', () => {
  it('reserves, per type, the dearest provider that could answer it', () => {
    // Act
    const cost = new PriceList(settings).worstCase(['email', 'phone', 'personal_email']);

    // Assess
    expect(cost).toBe(4 + 10 + 0);
  });

  it('prices found results at the price of the provider that found each, one price for all phones', () => {
    // Act
    const price = new PriceList(settings).priceOfResults({
      email: { value: 'j@acme.com', status: 'valid', provider: 'b' },
      phones: [
        { number: '+33612345678', country: 'FR', type: 'mobile', provider: 'a' },
        { number: '+33612345679', country: 'FR', type: 'mobile', provider: 'a' },
      ],
      personal_email: null,
    });

    // Assess
    expect(price).toBe(4 + 10);
  });

  it('prices nothing found at zero', () => {
    // Act & Assess
    expect(new PriceList(settings).priceOfResults({ email: null, phones: [] })).toBe(0);
  });
});

describe('Function: settle', () => {
  it('charges what was found and releases the whole reservation', () => {
    // Act & Assess
    expect(settle(11, 1)).toEqual({ charged: 1, released: 11 });
  });

  it('never charges more than was reserved', () => {
    // Act & Assess
    expect(settle(3, 10)).toEqual({ charged: 3, released: 3 });
  });
});

describe('Function: releaseReservation', () => {
  it('charges nothing and releases the whole reservation', () => {
    // Act & Assess
    expect(releaseReservation(7)).toEqual({ charged: 0, released: 7 });
  });
});

const AT = '2026-03-01T12:00:00.000Z';
const ID = '01KB0000000000000000000000';

/** What the ledger sums to over a movement's entries: it must be the movement's own deltas. */
function ledgerSum(movement: CreditMovement) {
  return movement.entries.reduce(
    (sum, entry) => ({
      balance: sum.balance + entry.balance_delta,
      reserved: sum.reserved + entry.reserved_delta,
    }),
    { balance: 0, reserved: 0 },
  );
}

describe('Function: reserveCredits', () => {
  it('reserves the cost, leaves the balance, and asks that many credits available', () => {
    // Act
    const movement = reserveCredits(14, AT, { enrichment_id: ID });

    // Assess
    expect(movement.deltas).toEqual({ balance: 0, reserved: 14, available: -14 });
    expect(movement.requiresAvailable).toBe(14);
    expect(movement.entries).toEqual([
      { kind: 'reserve', balance_delta: 0, reserved_delta: 14, at: AT, enrichment_id: ID },
    ]);
  });

  it('reserves a whole batch in one entry of the batch, which names no enrichment', () => {
    // Act
    const movement = reserveCredits(16, AT, { batch_id: 'B1' });

    // Assess
    expect(movement.entries).toEqual([
      { kind: 'reserve', balance_delta: 0, reserved_delta: 16, at: AT, enrichment_id: null, batch_id: 'B1' },
    ]);
  });
});

describe('Function: settleCredits', () => {
  it('charges the balance what was found and releases the whole reservation, an entry each', () => {
    // Act
    const movement = settleCredits(settle(11, 4), AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: -4, reserved: -11, available: 7 });
    expect(movement.requiresAvailable).toBeNull();
    expect(movement.entries).toEqual([
      { kind: 'charge', balance_delta: -4, reserved_delta: 0, at: AT, enrichment_id: ID },
      { kind: 'release', balance_delta: 0, reserved_delta: -11, at: AT, enrichment_id: ID },
    ]);
  });

  it('charges no more than was reserved, however much was found', () => {
    // Act
    const movement = settleCredits(settle(3, 10), AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: -3, reserved: -3, available: 0 });
  });

  it('writes no charge entry when nothing was found', () => {
    // Act
    const movement = settleCredits(settle(5, 0), AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: 0, reserved: -5, available: 5 });
    expect(movement.entries.map((entry) => entry.kind)).toEqual(['release']);
  });

  it('releases the whole reservation of a cancelled enrichment, with one release entry', () => {
    // Act
    const movement = settleCredits(releaseReservation(3), AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: 0, reserved: -3, available: 3 });
    expect(movement.entries).toEqual([
      { kind: 'release', balance_delta: 0, reserved_delta: -3, at: AT, enrichment_id: ID },
    ]);
  });

  it('moves nothing and writes nothing for a settlement of zero', () => {
    // Act
    const movement = settleCredits(settle(0, 0), AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: 0, reserved: 0, available: 0 });
    expect(movement.entries).toEqual([]);
  });
});

describe('Function: grantCredits', () => {
  it('adds to the balance and the available credits, with a grant entry of no enrichment', () => {
    // Act
    const movement = grantCredits(25, AT, 'G1');

    // Assess
    expect(movement.deltas).toEqual({ balance: 25, reserved: 0, available: 25 });
    expect(movement.requiresAvailable).toBeNull();
    expect(movement.entries).toEqual([
      {
        kind: 'grant',
        balance_delta: 25,
        reserved_delta: 0,
        at: AT,
        enrichment_id: null,
        operation_id: 'G1',
      },
    ]);
  });
});

describe('Function: refundCredits', () => {
  it('gives back to the balance and the available credits, with a refund entry of the enrichment', () => {
    // Act
    const movement = refundCredits(10, AT, ID);

    // Assess
    expect(movement.deltas).toEqual({ balance: 10, reserved: 0, available: 10 });
    expect(movement.requiresAvailable).toBeNull();
    expect(movement.entries).toEqual([
      { kind: 'refund', balance_delta: 10, reserved_delta: 0, at: AT, enrichment_id: ID },
    ]);
  });

  it('moves nothing and writes no entry for a refund of 0', () => {
    expect(refundCredits(0, AT, ID)).toEqual({
      deltas: { balance: 0, reserved: 0, available: 0 },
      requiresAvailable: null,
      entries: [],
    });
  });

  it.each([-1, 1.5])('refuses %p credits', (credits) => {
    expect(() => refundCredits(credits, AT, ID)).toThrow(RangeError);
  });
});

describe('Function: reversed', () => {
  it('undoes a reservation', () => {
    // Act & Assess
    expect(reversed(reserveCredits(14, AT, { enrichment_id: ID }).deltas)).toEqual({
      balance: 0,
      reserved: -14,
      available: 14,
    });
  });
});

describe('Ledger: every movement', () => {
  it.each([
    ['a reservation', reserveCredits(14, AT, { enrichment_id: ID })],
    ['a batch reservation', reserveCredits(16, AT, { batch_id: 'B1' })],
    ['a settlement', settleCredits(settle(11, 4), AT, ID)],
    ['a capped settlement', settleCredits(settle(3, 10), AT, ID)],
    ['a cancellation', settleCredits(releaseReservation(3), AT, ID)],
    ['a grant', grantCredits(25, AT, 'G1')],
    ['a refund', refundCredits(10, AT, ID)],
  ])('records in its entries exactly what %s does to the account', (_name, movement) => {
    // Act
    const sum = ledgerSum(movement);

    // Assess
    expect(sum).toEqual({ balance: movement.deltas.balance, reserved: movement.deltas.reserved });
    expect(movement.deltas.available).toBe(movement.deltas.balance - movement.deltas.reserved);
  });
});

describe('Function: chargesWithin', () => {
  it('charges each type its price while the reservation lasts, summing to the settlement', () => {
    const prices = { email: 1, phone: 10, personal_email: 3 };
    expect(chargesWithin(14, prices)).toEqual({ email: 1, phone: 10, personal_email: 3 });
    expect(chargesWithin(5, prices)).toEqual({ email: 1, phone: 4, personal_email: 0 });
    expect(chargesWithin(0, { email: 1 })).toEqual({ email: 0 });
    for (const reserved of [0, 1, 5, 11, 14, 20]) {
      const charges = Object.values(chargesWithin(reserved, prices)).reduce((a, b) => a + b, 0);
      expect(charges).toBe(settle(reserved, 14).charged);
    }
  });
});
