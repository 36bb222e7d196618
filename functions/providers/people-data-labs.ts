/**
 * People Data Labs Person Enrichment: a one-to-one match on the LinkedIn profile (names and company sharpen
 * it), read for phone numbers or personal emails. `required` makes PDL answer 404, and charge nothing, when
 * the matched profile lacks the field we came for.
 * Docs: https://docs.peopledatalabs.com/docs/reference-person-enrichment-api (input parameters:
 * /docs/input-parameters-person-enrichment-api, errors: /docs/errors)
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import {
  PermanentProviderError,
  type FoundPhone,
  type Provider,
  type ProviderAnswer,
  type ProviderSettings,
} from './provider';

export const PEOPLE_DATA_LABS_BASE_URL = 'https://api.peopledatalabs.com';
export const PEOPLE_DATA_LABS_TYPES = ['phone', 'personal_email'] as const;

/** Plans without contact data answer `true` where the value would be, so only strings count. */
const Field = z.pipe(
  z.unknown(),
  z.transform((value) => (typeof value === 'string' && value.trim() ? value : undefined)),
);
const Fields = z.pipe(
  z.nullish(z.array(z.unknown())),
  z.transform((values) =>
    (values ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== ''),
  ),
);

const Match = z.object({
  data: z.object({
    mobile_phone: Field,
    phone_numbers: Fields,
    recommended_personal_email: Field,
    personal_emails: Fields,
  }),
});

export function createPeopleDataLabsProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl ?? PEOPLE_DATA_LABS_BASE_URL;
  return {
    name: 'peopledatalabs',
    types: PEOPLE_DATA_LABS_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      if (type !== 'phone' && type !== 'personal_email') {
        throw new PermanentProviderError(`peopledatalabs: does not search ${type}`);
      }
      const response = await callProvider({
        provider: 'peopledatalabs',
        url: endpoint(baseUrl, '/v5/person/enrich', {
          profile: contact.linkedin_url,
          first_name: contact.firstname,
          last_name: contact.lastname,
          company: contact.domain ?? contact.company_name,
          required: type === 'phone' ? 'phone_numbers' : 'personal_emails',
        }),
        headers: { 'x-api-key': settings.apiKey },
        signal,
        answerStatuses: [404],
      });
      if (response.status === 404) return { kind: 'not_found', detail: 'no matching profile' };
      const { data } = readAnswer('peopledatalabs', Match, response.body);

      if (type === 'personal_email') {
        const email = data.recommended_personal_email ?? data.personal_emails[0];
        return email
          ? { kind: 'email', email }
          : { kind: 'not_found', detail: 'no personal email on the profile' };
      }
      const phones: FoundPhone[] = data.mobile_phone ? [{ number: data.mobile_phone, type: 'mobile' }] : [];
      for (const number of data.phone_numbers) {
        if (number !== data.mobile_phone) phones.push({ number });
      }
      return phones.length
        ? { kind: 'phones', phones }
        : { kind: 'not_found', detail: 'no phone on the profile' };
    },
  };
}
