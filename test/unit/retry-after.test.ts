import { parseRetryAfter } from '../../functions/domain/traffic/retry-after';

describe('Function: parseRetryAfter', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Tue, 01 Jan 2030 00:01:30 GMT', 90],
    ['Mon, 31 Dec 2029 23:00:00 GMT', 0],
    ['soon', undefined],
    ['1.5', undefined],
    ['-5', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('reads %p as %p seconds', (value, seconds) => {
    // Act & Assess
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});
