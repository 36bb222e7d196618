import {
  isEmailSyntaxValid,
  judgeEmailVerdict,
  judgePhones,
} from '../../functions/domain/enrichment/judge-answer';

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
