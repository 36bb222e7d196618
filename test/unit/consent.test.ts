import { requireConsentFor } from '../../functions/domain/privacy/consent';
import { ConsentRequiredError } from '../../functions/domain/errors';

describe('Function: requireConsentFor', () => {
  it('refuses personal_email to an account without the consent', () => {
    // Act & Assess
    expect(() => requireConsentFor({ personal_email_consent: false }, ['email', 'personal_email'])).toThrow(
      ConsentRequiredError,
    );
  });

  it('allows personal_email to an account with the consent', () => {
    // Act & Assess
    expect(() => requireConsentFor({ personal_email_consent: true }, ['personal_email'])).not.toThrow();
  });

  it('asks no consent for the other types', () => {
    // Act & Assess
    expect(() => requireConsentFor({ personal_email_consent: false }, ['email', 'phone'])).not.toThrow();
  });
});
