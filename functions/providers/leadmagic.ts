/**
 * LeadMagic finders: a work email from the name at a company (Email Finder), a mobile or a personal email from
 * the LinkedIn profile (Mobile Finder, Personal Email Finder). LeadMagic validates the emails it returns and
 * charges only when it finds something (1 credit per email, 5 per mobile, 2 per personal email).
 * Docs: https://leadmagic.io/docs/v1/reference/email-finder, /mobile-finder, /personal-email-finder, errors:
 * https://leadmagic.io/docs/api-reference/errors (401 key, 402 out of credits, 403 plan gate, 429 with
 * Retry-After), as published in LeadMagic's OpenAPI definition and references
 * (github.com/LeadMagic/leadmagic-openapi: leadmagic-openapi-3.1.yaml, llms-full.txt) and its skills
 * (github.com/LeadMagic/leadmagic-skills: api-auth-credits, leadmagic/references/plans-and-limits.md for rate
 * limits).
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import type { EmailVerdict, Provider, ProviderAnswer } from '../domain/provider';
import type { ProviderSettings } from './provider';

export const LEADMAGIC_BASE_URL = 'https://api.leadmagic.io';
export const LEADMAGIC_TYPES = ['email', 'phone', 'personal_email'] as const;
export const LEADMAGIC_INPUTS: ProviderInputs = {
  email: [['domain'], ['company_name']],
  phone: [['linkedin_url']],
  personal_email: [['linkedin_url']],
};

const EmailFound = z.object({ email: z.nullish(z.string()), status: z.string() });
const MobileFound = z.object({ mobile_number: z.nullish(z.string()) });
const PersonalEmailFound = z.object({ personal_email: z.nullish(z.string()), status: z.nullish(z.string()) });

/** `valid_catch_all`: LeadMagic's own check passed on a domain that accepts every address. */
const VERDICTS: Readonly<Record<string, EmailVerdict>> = { valid: 'valid', valid_catch_all: 'catch_all' };

export function createLeadMagicProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? LEADMAGIC_BASE_URL;
  const ask = (path: string, body: unknown, signal: AbortSignal) =>
    callProvider({
      provider: 'leadmagic',
      method: 'POST',
      url: endpoint(baseUrl, path),
      headers: { 'x-api-key': settings.apiKey },
      body,
      signal,
    });
  return {
    name: 'leadmagic',
    types: LEADMAGIC_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('leadmagic', LEADMAGIC_INPUTS, type, contact);
      if (type === 'phone') {
        const response = await ask('/v1/people/mobile-finder', { profile_url: contact.linkedin_url }, signal);
        const { mobile_number: number } = readAnswer('leadmagic', MobileFound, response.body);
        return number
          ? { kind: 'phones', phones: [{ number, type: 'mobile' }] }
          : { kind: 'not_found', detail: 'no mobile found' };
      }
      if (type === 'personal_email') {
        const response = await ask(
          '/v1/people/personal-email-finder',
          { profile_url: contact.linkedin_url },
          signal,
        );
        const { personal_email: email } = readAnswer('leadmagic', PersonalEmailFound, response.body);
        return email ? { kind: 'email', email } : { kind: 'not_found', detail: 'no personal email found' };
      }
      const response = await ask(
        '/v1/people/email-finder',
        {
          first_name: contact.firstname,
          last_name: contact.lastname,
          ...(contact.domain ? { domain: contact.domain } : { company_name: contact.company_name }),
        },
        signal,
      );
      const found = readAnswer('leadmagic', EmailFound, response.body);
      const verdict = VERDICTS[found.status];
      return found.email && verdict
        ? { kind: 'email', email: found.email, verdict }
        : { kind: 'not_found', detail: 'no email found' };
    },
  };
}
