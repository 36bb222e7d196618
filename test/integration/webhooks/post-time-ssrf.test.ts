import { parseEnrichmentRequest } from '../../../functions/domain/enrichment/enrichment-request';
import { ValidationError } from '../../../functions/domain/errors';
import type { TargetPolicy } from '../../../functions/domain/webhooks/network-address';

const PRIVATE_DISALLOWED: TargetPolicy = { allowPrivateTargets: false };
const PRIVATE_ALLOWED: TargetPolicy = { allowPrivateTargets: true };

const body = (webhookUrl: string) => ({
  firstname: 'Jane',
  lastname: 'Doe',
  enrichment_type: ['email'],
  domain: 'acme.com',
  webhook_url: webhookUrl,
});

function webhookErrors(webhookUrl: string, policy: TargetPolicy) {
  try {
    parseEnrichmentRequest(body(webhookUrl), policy);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { status: error.status, code: error.code, errors: error.errors };
  }
}

describe('Function: parseEnrichmentRequest (webhook targets at POST time)', () => {
  describe('with private targets disallowed', () => {
    it.each([
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://2130706433/',
      'https://0x7f.1/hook',
      'https://[fe80::1]/hook',
    ])('answers 400 validation_error on webhook_url for %s', (url) => {
      // Act
      const rejection = webhookErrors(url, PRIVATE_DISALLOWED);

      // Assess
      expect(rejection).toEqual({
        status: 400,
        code: 'validation_error',
        errors: [
          {
            path: 'webhook_url',
            message: expect.stringMatching(/^must not target a (loopback|private|link-local) address$/),
          },
        ],
      });
    });

    it('refuses plain http, as http://2130706433/', () => {
      // Act
      const rejection = webhookErrors('http://2130706433/', PRIVATE_DISALLOWED);

      // Assess
      expect(rejection).toMatchObject({ errors: [{ path: 'webhook_url', message: 'must use https' }] });
    });

    it('accepts a public https URL; names are judged after DNS, at delivery', () => {
      // Act
      const request = parseEnrichmentRequest(body('https://hooks.example.com/enrich'), PRIVATE_DISALLOWED);

      // Assess
      expect(request.webhook_url).toBe('https://hooks.example.com/enrich');
    });
  });

  describe('with private targets allowed', () => {
    it.each([
      'http://localhost:4000/hook',
      'http://127.0.0.1:4000/hook',
      'http://[::1]:4000/hook',
      'http://[::ffff:127.0.0.1]:4000/hook',
      'http://10.0.0.1/hook',
      'http://2130706433/',
    ])('accepts %s', (url) => {
      // Act
      const request = parseEnrichmentRequest(body(url), PRIVATE_ALLOWED);

      // Assess
      expect(request.webhook_url).toBe(url);
    });

    it.each([
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://[::ffff:169.254.169.254]/hook',
    ])('still refuses the link-local %s', (url) => {
      // Act
      const rejection = webhookErrors(url, PRIVATE_ALLOWED);

      // Assess
      expect(rejection).toMatchObject({
        status: 400,
        code: 'validation_error',
        errors: [{ path: 'webhook_url', message: 'must not target a link-local address' }],
      });
    });
  });
});
