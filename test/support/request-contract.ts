/**
 * The request contract as `openapi.json` states it, for property-based tests: bodies generated from the
 * document's own `EnrichmentRequest` schema (json-schema-faker, seeded by fast-check) and kept only when Ajv holds
 * them valid per the document, and the refusals the document states in words rather than in the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { generateSync } from 'json-schema-faker';

/** One seed for every property run: failures reproduce. */
export const CONTRACT_SEED = 20261207;

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, Record<string, unknown>> };
};
const requestSchema = document.components.schemas.EnrichmentRequest!;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

export const validPerDocument = ajv.compile(requestSchema);

/** A body the document holds valid, from a generator seed. */
export const documentValidBody: fc.Arbitrary<Record<string, unknown>> = fc
  .integer({ min: 1, max: 2 ** 31 - 1 })
  .map(
    (seed) =>
      generateSync(requestSchema as never, { seed, optionalsProbability: 0.6, maxItems: 5 }) as Record<
        string,
        unknown
      >,
  )
  .filter((body) => validPerDocument(body));

/** Refusals the document states in words (the operation's cross-field rules, the fields' descriptions). */
const DOCUMENTED_IN_WORDS: ReadonlyArray<{ reason: string; path: string; message: RegExp }> = [
  {
    reason: 'email needs domain or company_name',
    path: 'domain',
    message: /domain or company_name is required/,
  },
  { reason: 'phone/personal_email need linkedin_url', path: 'linkedin_url', message: /is required for the/ },
  { reason: 'webhook target class', path: 'webhook_url', message: /^must not target an? [a-z-]+ address$/ },
  { reason: 'custom byte size', path: 'custom', message: /bytes once serialised/ },
  {
    reason: "providers: the deployment's, for requested types",
    path: 'providers',
    message: /is not a provider of|is not a requested type/,
  },
];

/** The documented reason of a field error, or undefined when the document says nothing of it. */
export function documentedReason(error: { path: string; message: string }): string | undefined {
  return DOCUMENTED_IN_WORDS.find((rule) => rule.path === error.path && rule.message.test(error.message))
    ?.reason;
}
