/**
 * ContactOut Contact Info from LinkedIn profile: the phones or personal emails ContactOut holds for one public
 * LinkedIn profile. `include_phone` and `email_type` ask for only what the step needs, so credits go to that
 * alone (1 email credit if an email is found, 1 phone credit if a phone is).
 * Docs: https://api.contactout.com/#from-linkedin-profile (Contact Info API, single; empty result
 * `{"status_code": 404, "message": "Not Found"}`), authentication and rate limits: #authentication, error codes:
 * #errors (400 bad credentials, 401 bad request, 403 out of credits or no access to the endpoint, 429 with
 * `retry-after`).
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer, type StatusMeanings } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import { PermanentProviderError, type Provider, type ProviderAnswer } from '../domain/provider';
import type { ProviderSettings } from './provider';

export const CONTACTOUT_BASE_URL = 'https://api.contactout.com';
export const CONTACTOUT_TYPES = ['phone', 'personal_email'] as const;
export const CONTACTOUT_INPUTS: ProviderInputs = {
  phone: [['linkedin_url']],
  personal_email: [['linkedin_url']],
};

/** ContactOut's documented codes, which swap the usual meanings of 400 and 401. */
const STATUSES: StatusMeanings = {
  400: { kind: 'permanent', reason: 'API key rejected', refusal: 'bad_key' },
  401: { kind: 'permanent', reason: 'request refused' },
};

const Strings = z.pipe(
  z.nullish(z.array(z.unknown())),
  z.transform((values) =>
    (values ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== ''),
  ),
);

const Profile = z.object({ personal_email: Strings, phone: Strings });

const Match = z.object({
  status_code: z.nullish(z.number()),
  // An empty result may come as an empty list rather than an empty profile.
  profile: z.nullish(z.union([Profile, z.array(z.unknown())])),
});

const Refused = z.object({ message: z.nullish(z.string()) });

export function createContactOutProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? CONTACTOUT_BASE_URL;
  return {
    name: 'contactout',
    types: CONTACTOUT_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('contactout', CONTACTOUT_INPUTS, type, contact);
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
        statusMeanings: STATUSES,
        // 404: a profile ContactOut does not know. 403: out of credits or no access, told apart by the message.
        answerStatuses: [403, 404],
      });
      if (response.status === 403) {
        const { message } = readAnswer('contactout', Refused, response.body ?? {});
        throw /credit/i.test(message ?? '')
          ? new PermanentProviderError('contactout: out of credits', 'out_of_credits')
          : new PermanentProviderError('contactout: no access to this endpoint', 'bad_key');
      }
      const match = response.status === 404 ? undefined : readAnswer('contactout', Match, response.body);
      if (!match || match.status_code === 404) return { kind: 'not_found', detail: 'profile not found' };
      const profile = Array.isArray(match.profile) ? undefined : match.profile;

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
