import { PriceList, settle } from '../../functions/domain/credits';
import type { WaterfallSettings } from '../../functions/domain/waterfall-settings';

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
