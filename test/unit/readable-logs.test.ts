/** `npm start`'s readable lines: a function's structured log line becomes one line a person reads. */
import { readableLine } from '../../local/readable-logs';

describe('Function: readableLine', () => {
  it('turns a Powertools line into time, level, message and its own fields', () => {
    // Prepare
    const line = JSON.stringify({
      level: 'WARN',
      message: 'provider circuit opened',
      timestamp: '2026-12-07T07:41:39.123Z',
      service: 'contact-enrichment',
      sampling_rate: 0,
      provider: 'hunter',
      reason: 'API key rejected',
    });

    // Act
    const readable = readableLine(line);

    // Assess
    expect(readable).toBe('07:41:39 WARN provider circuit opened provider=hunter reason="API key rejected"');
  });

  it('leaves any other line as it is', () => {
    // Assess
    expect(readableLine('07:41:39 POST /contacts/enrich/async 202 12 ms')).toBe(
      '07:41:39 POST /contacts/enrich/async 202 12 ms',
    );
    expect(readableLine('{"not":"a log line"}')).toBe('{"not":"a log line"}');
  });
});
