/**
 * The body of POST /contacts/{id}/feedback: what a client saw when it used the results, per type. The schema is
 * also the OpenAPI document's request body; the checks against the record (a type found, a number among the
 * phones) come after it, in `record-feedback.ts`.
 */
import * as z from 'zod/mini';
import type { EmailFeedbackOutcome, PhoneFeedbackOutcome } from '../enrichment/contact';
import { invalidBody, toFieldErrors } from '../enrichment/enrichment-request';
import { ValidationError } from '../errors';

export const EMAIL_FEEDBACK_OUTCOMES = ['bounced', 'delivered'] as const satisfies EmailFeedbackOutcome[];
export const PHONE_FEEDBACK_OUTCOMES = [
  'wrong_number',
  'connected',
] as const satisfies PhoneFeedbackOutcome[];

/** The outcomes that say a result was wrong: it leaves the cache, counts as a bounce, and may be refunded. */
export const BAD_OUTCOMES: ReadonlySet<string> = new Set(['bounced', 'wrong_number']);

/** E.164: a plus, then up to 15 digits, the first not 0 (as `results.phones[].number` is written). */
const E164 = /^\+[1-9]\d{1,14}$/;

/** Phone numbers one feedback may report on: more than any provider answers for one person. */
export const MAX_FEEDBACK_PHONES = 50;

const emailOutcome = z.enum(EMAIL_FEEDBACK_OUTCOMES, { error: 'must be bounced or delivered' });

export const feedbackRequestSchema = z.strictObject({
  email: z.optional(emailOutcome),
  personal_email: z.optional(emailOutcome),
  phones: z.optional(
    z
      .array(
        z.strictObject({
          number: z
            .string({ error: 'must be a phone number in E.164 form' })
            .check(z.regex(E164, 'must be a phone number in E.164 form (+33612345678)')),
          outcome: z.enum(PHONE_FEEDBACK_OUTCOMES, { error: 'must be wrong_number or connected' }),
        }),
        { error: 'must be a list of { number, outcome }' },
      )
      .check(
        z.minLength(1, 'must report at least one number'),
        z.maxLength(MAX_FEEDBACK_PHONES, `must report at most ${MAX_FEEDBACK_PHONES} numbers`),
      ),
  ),
});

export type FeedbackRequest = z.output<typeof feedbackRequestSchema>;

/** Checks a parsed JSON body; throws ValidationError naming every offending field. */
export function parseFeedbackRequest(body: unknown): FeedbackRequest {
  const parsed = feedbackRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw invalidBody(toFieldErrors(parsed.error, body));
  }
  const request = parsed.data;
  if (request.email === undefined && request.personal_email === undefined && request.phones === undefined) {
    throw new ValidationError(
      [{ path: '(body)', message: 'must report on at least one of email, personal_email, phones' }],
      'The request reports nothing.',
    );
  }
  const seen = new Set<string>();
  const repeated = (request.phones ?? []).flatMap((phone, index) => {
    if (seen.has(phone.number)) return [{ path: `phones[${index}].number`, message: 'is reported twice' }];
    seen.add(phone.number);
    return [];
  });
  if (repeated.length) throw new ValidationError(repeated, 'The request is invalid.');
  return request;
}
