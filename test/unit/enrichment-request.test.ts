import {
  normaliseDomain,
  normaliseLinkedinUrl,
  parseEnrichmentRequest,
} from '../../functions/domain/enrichment/enrichment-request';
import { ValidationError } from '../../functions/domain/errors';
import { isAllowedAddressClass } from '../../functions/domain/webhooks/network-address';

describe('Function: normaliseDomain', () => {
  it.each([
    ['https://www.Acme.com/about', 'acme.com'],
    ['ACME.co.uk.', 'acme.co.uk'],
    ['sub.acme.io:8443', 'sub.acme.io'],
    ['bücher.de', 'xn--bcher-kva.de'],
  ])('normalises %s to %s', (input, expected) => {
    // Act & Assess
    expect(normaliseDomain(input)).toBe(expected);
  });

  it.each(['localhost', '10.0.0.1', 'acme', 'acme..com', '-acme.com', 'acme.c0m', 'two words.com', ''])(
    'refuses %j',
    (input) => {
      // Act & Assess
      expect(normaliseDomain(input)).toBeUndefined();
    },
  );
});

describe('Function: normaliseLinkedinUrl', () => {
  it.each([
    ['linkedin.com/in/Jane-Doe', 'https://www.linkedin.com/in/jane-doe'],
    ['http://www.linkedin.com/in/jane-doe/?trk=public', 'https://www.linkedin.com/in/jane-doe'],
    ['https://fr.linkedin.com/in/jean-dupont-123/', 'https://www.linkedin.com/in/jean-dupont-123'],
    ['www.linkedin.com/in/zo%C3%AB', 'https://www.linkedin.com/in/zo%c3%ab'],
  ])('normalises %s', (input, expected) => {
    // Act & Assess
    expect(normaliseLinkedinUrl(input)).toBe(expected);
  });

  it.each([
    'https://www.linkedin.com/company/acme',
    'https://evil.com/in/jane',
    'linkedin.com/in/',
    'linkedin.com.evil.io/in/jane',
  ])('refuses %j', (input) => {
    // Act & Assess
    expect(normaliseLinkedinUrl(input)).toBeUndefined();
  });
});

describe('Function: parseEnrichmentRequest', () => {
  const base = { firstname: 'Jane', lastname: 'Doe', enrichment_type: ['email'], domain: 'acme.com' };

  it('treats null optional fields as absent', () => {
    // Act
    const request = parseEnrichmentRequest(
      { ...base, company_name: null, linkedin_url: null, custom: null },
      { allowPrivateTargets: false },
    );

    // Assess
    expect(request).toMatchObject({ company_name: null, linkedin_url: null, custom_json: '{}' });
  });

  it('keeps custom exactly as sent, key order included', () => {
    // Act
    const request = parseEnrichmentRequest(
      { ...base, custom: { z: 1, a: { y: [1, '2'], b: null } } },
      { allowPrivateTargets: false },
    );

    // Assess
    expect(request.custom_json).toBe('{"z":1,"a":{"y":[1,"2"],"b":null}}');
  });

  it('allows http and private webhook targets only when the policy allows them, link-local never', () => {
    // Prepare
    const local = { ...base, webhook_url: 'http://127.0.0.1:4000/hook' };
    const metadata = { ...base, webhook_url: 'http://169.254.169.254/latest/meta-data' };

    // Act & Assess
    expect(parseEnrichmentRequest(local, { allowPrivateTargets: true }).webhook_url).toBe(local.webhook_url);
    expect(() => parseEnrichmentRequest(local, { allowPrivateTargets: false })).toThrow(ValidationError);
    expect(() => parseEnrichmentRequest(metadata, { allowPrivateTargets: true })).toThrow(ValidationError);
  });
});

describe('Function: isAllowedAddressClass', () => {
  it('never allows loopback where loopback is refused, even with private targets allowed (inside Lambda)', () => {
    // Prepare
    const lambda = { allowPrivateTargets: true, allowLoopbackTargets: false };

    // Act & Assess
    expect(isAllowedAddressClass('private', lambda)).toBe(true);
    expect(isAllowedAddressClass('loopback', lambda)).toBe(false);
    expect(isAllowedAddressClass('link_local', lambda)).toBe(false);
    expect(isAllowedAddressClass('loopback', { allowPrivateTargets: true, allowLoopbackTargets: true })).toBe(
      true,
    );
    expect(isAllowedAddressClass('public', { allowPrivateTargets: false })).toBe(true);
  });

  it('refuses a loopback webhook_url at POST under the Lambda policy', () => {
    // Act & Assess
    expect(() =>
      parseEnrichmentRequest(
        {
          firstname: 'Jane',
          lastname: 'Doe',
          domain: 'acme.com',
          enrichment_type: ['email'],
          webhook_url: 'https://127.0.0.1:9001/2018-06-01/runtime/invocation/next',
        },
        { allowPrivateTargets: true, allowLoopbackTargets: false },
      ),
    ).toThrow(ValidationError);
  });
});
