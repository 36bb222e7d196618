/**
 * ContactOut People by LinkedIn profile: the phones or personal emails ContactOut holds for one public LinkedIn
 * profile. `include_phone` and `email_type` ask for only what the step needs, so credits go to that alone.
 * Docs: https://api.contactout.com/#from-linkedin-profile (authentication: `token` header, see
 * https://api.contactout.com/#authentication)
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import {
  PermanentProviderError,
  type Provider,
  type ProviderAnswer,
  type ProviderSettings,
} from './provider';

export const CONTACTOUT_BASE_URL = 'https://api.contactout.com';
export const CONTACTOUT_TYPES = ['phone', 'personal_email'] as const;

const Strings = z.pipe(
  z.nullish(z.array(z.unknown())),
  z.transform((values) =>
    (values ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== ''),
  ),
);

const Match = z.object({
  profile: z.nullish(z.object({ personal_email: Strings, phone: Strings })),
});

export function createContactOutProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? CONTACTOUT_BASE_URL;
  return {
    name: 'contactout',
    types: CONTACTOUT_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      if (type !== 'phone' && type !== 'personal_email') {
        throw new PermanentProviderError(`contactout: does not search ${type}`);
      }
      if (!contact.linkedin_url) throw new PermanentProviderError('contactout: needs a LinkedIn profile URL');
      const wantsPhone = type === 'phone';
      const response = await callProvider({
        provider: 'contactout',
        url: endpoint(baseUrl, '/v1/people/linkedin', {
          profile: contact.linkedin_url,
          include_phone: String(wantsPhone),
          email_type: wantsPhone ? 'none' : 'personal',
        }),
        headers: { authorization: 'basic', token: settings.apiKey },
        signal,
        // ContactOut answers 404 for a profile it does not know.
        answerStatuses: [404],
      });
      if (response.status === 404) return { kind: 'not_found', detail: 'profile not found' };
      const { profile } = readAnswer('contactout', Match, response.body);

      if (wantsPhone) {
        const phones = profile?.phone ?? [];
        return phones.length
          ? { kind: 'phones', phones: phones.map((number) => ({ number })) }
          : { kind: 'not_found', detail: 'no phone on the profile' };
      }
      const email = profile?.personal_email[0];
      return email
        ? { kind: 'email', email }
        : { kind: 'not_found', detail: 'no personal email on the profile' };
    },
  };
}
