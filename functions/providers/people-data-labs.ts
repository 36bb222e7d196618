/**
 * People Data Labs Person Enrichment: a one-to-one match on the LinkedIn profile (names and company sharpen
 * it), read for phone numbers or personal emails. `required` makes PDL answer 404, and charge nothing, when
 * the matched profile lacks the field we came for; `min_likelihood` does the same for a doubtful match.
 * Docs: https://docs.peopledatalabs.com/docs/reference-person-enrichment-api (charged per match, rate limits),
 * input parameters: /docs/input-parameters-person-enrichment-api, likelihood:
 * /docs/output-response-person-enrichment-api, contact fields as booleans on plans without them:
 * /docs/person-schema, errors: /docs/errors, rate-limit headers: /docs/usage-limits and
 * /support/troubleshooting/rate-limit-errors
 */
import * as z from 'zod/mini';
import { callProvider, endpoint, readAnswer } from './http';
import { requireInputs, type ProviderInputs } from './inputs';
import {
  PermanentProviderError,
  type FoundPhone,
  type Provider,
  type ProviderAnswer,
} from '../domain/provider';
import type { ProviderSettings } from './provider';

export const PEOPLE_DATA_LABS_BASE_URL = 'https://api.peopledatalabs.com';
export const PEOPLE_DATA_LABS_TYPES = ['phone', 'personal_email'] as const;
export const PEOPLE_DATA_LABS_INPUTS: ProviderInputs = {
  phone: [['linkedin_url']],
  personal_email: [['linkedin_url']],
};

/** PDL's likelihood is 1 to 10 and logarithmic; below 6 the match is too often someone else. */
export const DEFAULT_MIN_LIKELIHOOD = 6;

export interface PeopleDataLabsSettings extends ProviderSettings {
  /** The lowest likelihood PDL may answer with (1-10); a weaker match is a 404, not a paid miss. */
  minLikelihood?: number;
}

/** A contact field as PDL gives it: a value, or `true`/`false` ("exists") on plans without contact data. */
const Field = z.nullish(z.union([z.string(), z.boolean()]));
const Fields = z.nullish(z.union([z.array(z.union([z.string(), z.boolean()])), z.boolean()]));

const Match = z.object({
  data: z.object({
    mobile_phone: Field,
    phone_numbers: Fields,
    recommended_personal_email: Field,
    personal_emails: Fields,
  }),
});

type FieldValue = z.infer<typeof Field> | z.infer<typeof Fields>;

/** Whether PDL withheld the values themselves, which it does for plans that do not include contact data. */
function withheld(...fields: FieldValue[]): boolean {
  return fields.some(
    (field) =>
      typeof field === 'boolean' || (Array.isArray(field) && field.some((v) => typeof v === 'boolean')),
  );
}

function strings(field: FieldValue): string[] {
  const values = Array.isArray(field) ? field : [field];
  return values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

export function createPeopleDataLabsProvider(settings: PeopleDataLabsSettings): Provider {
  const baseUrl = settings.baseUrl ?? PEOPLE_DATA_LABS_BASE_URL;
  const minLikelihood = settings.minLikelihood ?? DEFAULT_MIN_LIKELIHOOD;
  return {
    name: 'peopledatalabs',
    types: PEOPLE_DATA_LABS_TYPES,
    async find(contact, type, { signal }): Promise<ProviderAnswer> {
      requireInputs('peopledatalabs', PEOPLE_DATA_LABS_INPUTS, type, contact);
      const response = await callProvider({
        provider: 'peopledatalabs',
        url: endpoint(baseUrl, '/v5/person/enrich', {
          profile: contact.linkedin_url,
          first_name: contact.firstname,
          last_name: contact.lastname,
          company: contact.domain ?? contact.company_name,
          required: type === 'phone' ? 'phone_numbers' : 'personal_emails',
          min_likelihood: String(minLikelihood),
        }),
        headers: { 'x-api-key': settings.apiKey },
        signal,
        answerStatuses: [404],
        // "Read the x-ratelimit-reset header to see when the window resets, in UTC."
        retryAfterHeaders: ['x-ratelimit-reset'],
      });
      if (response.status === 404) return { kind: 'not_found', detail: 'no matching profile' };
      const { data } = readAnswer('peopledatalabs', Match, response.body);

      const wanted =
        type === 'phone'
          ? [data.mobile_phone, data.phone_numbers]
          : [data.recommended_personal_email, data.personal_emails];
      if (withheld(...wanted)) {
        // PDL charged for a match whose values this plan cannot see: every call would do the same, so the key
        // is as useless to the waterfall as a bad one until an operator upgrades the plan.
        throw new PermanentProviderError('peopledatalabs: plan lacks contact fields', 'bad_key');
      }

      if (type === 'personal_email') {
        const email = strings(data.recommended_personal_email)[0] ?? strings(data.personal_emails)[0];
        return email
          ? { kind: 'email', email }
          : { kind: 'not_found', detail: 'no personal email on the profile' };
      }
      const mobile = strings(data.mobile_phone)[0];
      const phones: FoundPhone[] = mobile ? [{ number: mobile, type: 'mobile' }] : [];
      for (const number of strings(data.phone_numbers)) {
        if (number !== mobile) phones.push({ number });
      }
      return phones.length
        ? { kind: 'phones', phones }
        : { kind: 'not_found', detail: 'no phone on the profile' };
    },
  };
}
