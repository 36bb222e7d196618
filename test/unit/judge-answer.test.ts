import fc from 'fast-check';
import {
  getExampleNumber,
  parsePhoneNumberFromString as parseWithMetadata,
  type CountryCode,
} from 'libphonenumber-js/core';
import {
  getExampleNumber as getExampleMax,
  parsePhoneNumberFromString as parseMax,
} from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import {
  isEmailSyntaxValid,
  judgeEmailVerdict,
  judgePhones,
} from '../../functions/domain/enrichment/judge-answer';
import { phoneMetadata } from '../../functions/domain/enrichment/phone-metadata';

describe('Function: judgePhones', () => {
  it('normalises to E.164 with country and line type, and drops duplicates', () => {
    // Act
    const judged = judgePhones(
      [
        { number: '06 12 34 56 78', country: 'fr' },
        { number: '+33612345678' },
        { number: '+44 20 7946 0958', type: 'work' },
      ],
      null,
      'p',
    );

    // Assess
    expect(judged.accepted).toEqual([
      { number: '+33612345678', country: 'FR', type: 'mobile', provider: 'p' },
      { number: '+442079460958', country: 'GB', type: 'landline', provider: 'p' },
    ]);
    expect(judged.rejected).toEqual([]);
  });

  it('rejects unparseable numbers and numbers outside the allowed countries', () => {
    // Act
    const judged = judgePhones([{ number: 'call me maybe' }, { number: '+1 201-555-0123' }], ['FR'], 'p');

    // Assess
    expect(judged.accepted).toEqual([]);
    expect(judged.rejected).toEqual([{ reason: 'unparseable' }, { reason: 'outside_allowed_countries' }]);
  });
});

describe('Function: judgeEmailVerdict', () => {
  it.each([
    ['valid', { accepted: true, status: 'valid' }],
    ['catch_all', { accepted: true, status: 'catch_all' }],
    ['invalid', { accepted: false, reason: 'undeliverable' }],
    ['unknown', { accepted: false, reason: 'unverified' }],
    [undefined, { accepted: false, reason: 'unverified' }],
  ] as const)('judges %s', (verdict, expected) => {
    // Act & Assess
    expect(judgeEmailVerdict(verdict)).toEqual(expected);
  });

  it.each([
    ['jane.doe@acme.com', true],
    ['jane..doe@acme.com', false],
    ['jane@acme', false],
    ['@acme.com', false],
  ])('checks the syntax of %s', (email, valid) => {
    // Act & Assess
    expect(isEmailSyntaxValid(email)).toBe(valid);
  });
});

describe('Function: phoneMetadata', () => {
  // The judgement and the sandbox call libphonenumber-js's core functions with the `max` metadata given
  // (a deployed function reads it as a JSON file); `libphonenumber-js/max` is the same metadata bound in.
  const countries = Object.keys(phoneMetadata().countries) as CountryCode[];

  /** What judgePhones reads of a parsed number, by either entry point. */
  function judged(text: string, country: CountryCode | undefined) {
    const core = parseWithMetadata(text, country ? { defaultCountry: country } : {}, phoneMetadata());
    const max = parseMax(text, country ? { defaultCountry: country } : undefined);
    const read = (parsed: typeof core) =>
      parsed && {
        valid: parsed.isValid(),
        country: parsed.country,
        e164: parsed.number,
        type: parsed.getType(),
      };
    return { core: read(core), max: read(max) };
  }

  it('parses, validates and types every country’s example mobile number as the max build does', () => {
    for (const country of countries) {
      const example = getExampleMax(country, mobileExamples);
      if (!example) continue;
      for (const [text, hint] of [
        [example.number, undefined],
        [example.formatNational(), country],
        [example.formatInternational(), undefined],
      ] as const) {
        // Act
        const { core, max } = judged(text, hint);

        // Assess
        expect(core).toEqual(max);
        expect(core?.valid).toBe(true);
      }
      expect(getExampleNumber(country, mobileExamples, phoneMetadata())?.number).toBe(example.number);
    }
  });

  it('judges arbitrary digits, with or without a country, as the max build does', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\+?[0-9 ()-]{4,18}$/),
        fc.option(fc.constantFrom(...countries), { nil: undefined }),
        (text, country) => {
          // Act
          const { core, max } = judged(text, country);

          // Assess
          expect(core).toEqual(max);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives the line types the judgement maps: mobile, landline, VoIP and the others as unknown', () => {
    // Act
    const { accepted } = judgePhones(
      [
        { number: '+33612345678' },
        { number: '+33123456789' },
        { number: '+33912345678' },
        { number: '+18002345678', type: 'work' },
      ],
      null,
      'sandbox-primary',
    );

    // Assess: a toll-free number is valid, and only the provider's hint types it.
    expect(accepted.map((phone) => [phone.number, phone.type])).toEqual([
      ['+33612345678', 'mobile'],
      ['+33123456789', 'landline'],
      ['+33912345678', 'voip'],
      ['+18002345678', 'landline'],
    ]);
  });
});
