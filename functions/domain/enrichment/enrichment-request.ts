/**
 * The body of POST /contacts/enrich/async: schema, normalisation and per-type requirements (checks 2 and 3
 * of the README's order of checks). Pure: no I/O. The schema is the one source of the request's shape.
 */
import * as z from 'zod/mini';
import { ISO_COUNTRY_CODES } from './countries';
import type { WaterfallSettings } from './waterfall-settings';
import { MAX_CUSTOM_BYTES } from '../limits';
import { ValidationError, type FieldError } from '../errors';
import {
  allowsPlainHttp,
  classifyHost,
  isAllowedAddressClass,
  type TargetPolicy,
} from '../webhooks/network-address';

export const ENRICHMENT_TYPES = ['email', 'phone', 'personal_email'] as const;

/** The largest `max_credits` a request may set. */
export const MAX_CREDITS_CAP = 100_000;
export type EnrichmentType = (typeof ENRICHMENT_TYPES)[number];

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** `https://www.Acme.com/about` → `acme.com`; undefined when the text is not a public hostname. */
export function normaliseDomain(input: string): string | undefined {
  const text = input.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).hostname;
  } catch {
    return undefined;
  }
  hostname = hostname.toLowerCase().replace(/\.$/, '');
  if (hostname.startsWith('www.')) hostname = hostname.slice(4);
  if (hostname.length > 253) return undefined;
  const labels = hostname.split('.');
  if (labels.length < 2) return undefined;
  if (!labels.every((label) => HOST_LABEL.test(label))) return undefined;
  if (!TOP_LEVEL_LABEL.test(labels[labels.length - 1]!)) return undefined;
  return hostname;
}

const LINKEDIN_PROFILE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[a-z]{2,3}\.)?linkedin\.com\/in\/([^/?#\s]+)\/?(?:[?#].*)?$/i;
const LINKEDIN_SLUG = /^(?:[a-zA-Z0-9_-]|%[0-9a-fA-F]{2}){3,100}$/;

/** Any scheme, `www`, trailing slash or query → `https://www.linkedin.com/in/<slug>`. */
export function normaliseLinkedinUrl(input: string): string | undefined {
  const match = LINKEDIN_PROFILE.exec(
    input.trim().replace(/^(?:[a-z][a-z0-9+.-]*:\/\/)?www\./i, (m) => m.slice(0, -4)),
  );
  const slug = match?.[1];
  if (!slug || !LINKEDIN_SLUG.test(slug)) return undefined;
  return `https://www.linkedin.com/in/${slug.toLowerCase()}`;
}

function webhookUrlIssue(input: string, policy: TargetPolicy): string | undefined {
  if (input.length > 2048) return 'must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return 'must be an absolute URL';
  }
  const httpAllowed = allowsPlainHttp(policy);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    return httpAllowed ? 'must use http or https' : 'must use https';
  }
  const addressClass = classifyHost(url.hostname);
  if (addressClass !== undefined && !isAllowedAddressClass(addressClass, policy)) {
    return `must not target a ${addressClass.replace('_', '-')} address`;
  }
  return undefined;
}

/** A string that `normalise` turns into its canonical form, or an issue with `message`. */
function normalised(normalise: (value: string) => string | undefined, message: string) {
  return z.pipe(
    z.string({ error: 'must be a string' }),
    z.transform((value: string, ctx) => {
      const result = normalise(value);
      if (result === undefined) ctx.issues.push({ code: 'custom', message, input: value });
      return result ?? z.NEVER;
    }),
  );
}

/**
 * Each field's rules as JSON Schema states them, for the OpenAPI document (`z.meta` carries them into it). The
 * document may be stricter than the API (a raw length where the API trims first), never looser: a property-based
 * test holds every body valid per the document to being accepted.
 */
const DOCUMENTED = {
  name: { minLength: 1, maxLength: 100, pattern: '\\S' },
  domain: {
    maxLength: 253,
    pattern:
      '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?![Ww][Ww][Ww]\\.[^./?#]*\\.?(?:[/?#]|$))' +
      '(?:(?![Xx][Nn]--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}\\.?(?:[/?#]\\S*)?$',
  },
  linkedinUrl: {
    pattern:
      '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[A-Za-z]{2,3}\\.)?linkedin\\.com/in/' +
      '(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){3,100}/?(?:[?#]\\S*)?$',
  },
  webhookUrl: { format: 'uri', maxLength: 2048, pattern: '^https://' },
  distinct: { uniqueItems: true },
} as const;

const trimmedName = z
  .pipe(
    z.pipe(
      z.string({ error: 'must be a string' }),
      z.transform((value: string) => value.trim()),
    ),
    z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters')),
  )
  .check(z.meta(DOCUMENTED.name));

const distinct = (values: readonly unknown[]) => new Set(values).size === values.length;

/** The request schema (also the source of the OpenAPI document's request body). */
export function buildSchema(policy: TargetPolicy) {
  return z.strictObject({
    firstname: trimmedName,
    lastname: trimmedName,
    enrichment_type: z
      .array(z.enum(ENRICHMENT_TYPES, { error: 'must be one of email, phone, personal_email' }), {
        error: 'must be an array of enrichment types',
      })
      .check(
        z.minLength(1, 'must contain at least one type'),
        z.maxLength(3, 'must contain at most three types'),
        z.refine(distinct, 'must not repeat a type'),
        z.meta(DOCUMENTED.distinct),
      ),
    company_name: z.nullish(
      z.pipe(
        z.string({ error: 'must be a string' }).check(z.maxLength(200, 'must be at most 200 characters')),
        z.transform((value: string) => value.trim() || null),
      ),
    ),
    domain: z.nullish(
      normalised(normaliseDomain, 'must be a valid hostname, such as acme.com').check(
        z.meta(DOCUMENTED.domain),
      ),
    ),
    linkedin_url: z.nullish(
      normalised(
        normaliseLinkedinUrl,
        'must be a LinkedIn profile URL (linkedin.com/in/<slug>, a slug of 3 to 100 characters)',
      ).check(z.meta(DOCUMENTED.linkedinUrl)),
    ),
    webhook_url: z.nullish(
      z.string({ error: 'must be a string' }).check(
        z.superRefine((value: string, ctx) => {
          const issue = webhookUrlIssue(value, policy);
          if (issue) ctx.addIssue({ code: 'custom', message: issue });
        }),
        z.meta(DOCUMENTED.webhookUrl),
      ),
    ),
    phone_country_codes: z.nullish(
      z
        .array(
          z
            .pipe(
              z.string({ error: 'must be a string' }),
              z.transform((value: string) => value.toUpperCase()),
            )
            .check(
              z.refine(
                (value: string) => ISO_COUNTRY_CODES.has(value),
                'must be an ISO 3166-1 alpha-2 country code',
              ),
              // The document lists the codes upper-case; the API also takes them in any case.
              z.meta({ enum: [...ISO_COUNTRY_CODES].sort() }),
            ),
          { error: 'must be an array of country codes' },
        )
        .check(
          z.minLength(1, 'must contain at least one country code'),
          z.maxLength(250, 'must contain at most 250 country codes'),
          z.refine(distinct, 'must not repeat a country code'),
          z.meta(DOCUMENTED.distinct),
        ),
    ),
    use_cache: z.nullish(z.boolean({ error: 'must be true or false' })),
    providers: z.nullish(
      z.partialRecord(
        z.enum(ENRICHMENT_TYPES, { error: 'must be a type: email, phone or personal_email' }),
        z
          .array(z.string({ error: 'must be a provider name' }).check(z.minLength(1, 'must not be empty')), {
            error: 'must be a list of provider names',
          })
          .check(
            z.minLength(1, 'must name at least one provider'),
            z.maxLength(20, 'must name at most 20 providers'),
            z.refine(distinct, 'must not repeat a provider'),
            z.meta(DOCUMENTED.distinct),
          ),
        { error: 'must be an object from a requested type to provider names' },
      ),
    ),
    max_credits: z.nullish(
      z
        .int({ error: 'must be an integer from 0 to 100000' })
        .check(
          z.gte(0, 'must be an integer from 0 to 100000'),
          z.lte(MAX_CREDITS_CAP, 'must be an integer from 0 to 100000'),
        ),
    ),
    accept_catch_all: z.nullish(z.boolean({ error: 'must be true or false' })),
    // Its size is checked on the object as sent (`customJsonOf`): a parsed copy would lose `__proto__`.
    custom: z.nullish(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' })),
  });
}

type RequestSchema = ReturnType<typeof buildSchema>;
type RequestBody = z.output<RequestSchema>;

/**
 * `build` once per policy (by value): a schema costs several times more to build than to check a body against,
 * and a bulk request checks a hundred bodies.
 */
export function perPolicy<T>(build: (policy: TargetPolicy) => T): (policy: TargetPolicy) => T {
  const built = new Map<string, T>();
  return (policy) => {
    const key = JSON.stringify(policy);
    if (!built.has(key)) built.set(key, build(policy));
    return built.get(key)!;
  };
}

/** The request schema for a policy, built once. */
export const requestSchemaFor: (policy: TargetPolicy) => RequestSchema = perPolicy(buildSchema);

/** Optional fields become `null` when absent: the request as the rest of the product sees it. */
type Normalised<T> = { [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

/**
 * A validated, normalised request: every field of the schema, absent optional ones as `null`, and `custom` as
 * the JSON text it was serialised to (so it is echoed back byte-for-byte). A new POST field is one schema line.
 */
export type EnrichmentRequest = Omit<Normalised<RequestBody>, 'custom'> & { custom_json: string };

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

function isPresent(body: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let node: unknown = body;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !(segment in node)) return false;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node !== undefined;
}

/** One error per field (the first zod reports), in the order zod found them. */
export function toFieldErrors(error: { issues: z.core.$ZodIssue[] }, body: unknown): FieldError[] {
  const errors = error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    const path = formatPath(issue.path);
    if (!path) return [{ path: '(body)', message: 'must be a JSON object' }];
    if (issue.code === 'invalid_type' && !isPresent(body, issue.path))
      return [{ path, message: 'is required' }];
    return [{ path, message: issue.message }];
  });
  return errors.filter((candidate, index) => errors.findIndex((e) => e.path === candidate.path) === index);
}

/** The 400 of a body's field errors: its message names the unknown fields, when there are any. */
export function invalidBody(errors: FieldError[]): ValidationError {
  const unknown = errors.filter((e) => e.message === 'is not a known field').map((e) => e.path);
  return new ValidationError(
    errors,
    unknown.length ? `Unknown field(s): ${unknown.join(', ')}.` : 'The request is invalid.',
  );
}

/** Per-type requirements (check 3): which input each requested type cannot do without. */
function missingFieldErrors(request: Omit<EnrichmentRequest, 'custom_json'>): FieldError[] {
  const errors: FieldError[] = [];
  const types = new Set(request.enrichment_type);
  if (types.has('email') && !request.domain && !request.company_name) {
    errors.push({ path: 'domain', message: 'domain or company_name is required for the email enrichment' });
  }
  for (const type of ['phone', 'personal_email'] as const) {
    if (types.has(type) && !request.linkedin_url) {
      errors.push({ path: 'linkedin_url', message: `is required for the ${type} enrichment` });
    }
  }
  return errors;
}

/**
 * `custom` as sent, as the JSON text the record keeps: every key, `__proto__` and `constructor` included (a copy
 * made by assigning keys would turn `__proto__` into a prototype and drop it). Throws when it is over the size.
 */
export function customJsonOf(body: unknown): string {
  const json = JSON.stringify((body as { custom?: unknown } | null)?.custom ?? {});
  if (Buffer.byteLength(json) > MAX_CUSTOM_BYTES) {
    throw new ValidationError(
      [{ path: 'custom', message: `must be at most ${MAX_CUSTOM_BYTES} bytes once serialised` }],
      'The request is invalid.',
    );
  }
  return json;
}

/**
 * The request's own provider order (`providers`): only for requested types, and only providers the deployment's
 * waterfall configures for the type (`providers.email[1]` names the one it does not).
 */
function providerChoiceErrors(
  request: Omit<EnrichmentRequest, 'custom_json'>,
  waterfall: Pick<WaterfallSettings, 'order'> | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [type, names] of Object.entries(request.providers ?? {}) as [EnrichmentType, string[]][]) {
    if (!request.enrichment_type.includes(type)) {
      errors.push({ path: `providers.${type}`, message: 'is not a requested type' });
      continue;
    }
    const configured = waterfall?.order[type] ?? [];
    names.forEach((name, index) => {
      if (!configured.includes(name)) {
        errors.push({
          path: `providers.${type}[${index}]`,
          message: `is not a provider of ${type} in this deployment (${configured.join(', ') || 'none'})`,
        });
      }
    });
  }
  return errors;
}

/**
 * Validates and normalises a parsed JSON body; throws ValidationError naming every offending field. `waterfall`
 * is the deployment's: the providers a request may name.
 */
export function parseEnrichmentRequest(
  body: unknown,
  policy: TargetPolicy,
  waterfall?: Pick<WaterfallSettings, 'order'>,
): EnrichmentRequest {
  const schema = requestSchemaFor(policy);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw invalidBody(toFieldErrors(parsed.error, body));
  }
  const { custom: _custom, ...fields } = parsed.data;
  const custom_json = customJsonOf(body);
  const request = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((key) => key !== 'custom')
      .map((key) => [key, fields[key as keyof typeof fields] ?? null]),
  ) as Omit<EnrichmentRequest, 'custom_json'>;
  const missing = missingFieldErrors(request);
  const errors = [...missing, ...providerChoiceErrors(request, waterfall)];
  if (errors.length)
    throw new ValidationError(
      errors,
      errors.length === missing.length
        ? `Missing field(s): ${[...new Set(missing.map((e) => e.path))].join(', ')}.`
        : 'The request is invalid.',
    );
  return { ...request, custom_json };
}
