import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OPENAPI_FILE } from '../../bin/openapi';
import { buildSchema } from '../../functions/domain/enrichment/enrichment-request';
import { buildOpenApiDocument, openApiText } from '../../functions/openapi/document';
import { REQUEST_FIELD_DOCS } from '../../functions/openapi/schemas';

type Json = Record<string, unknown>;

const VALIDATOR_CLI = join(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@seriousme',
  'openapi-schema-validator',
  'bin',
  'validate-api-cli.js',
);

/** Every route of the contract, Releases 1 to 3, with whether it takes the API key. */
const CONTRACT_ROUTES = [
  ['post', '/contacts/enrich/async', true],
  ['get', '/contacts/{id}', true],
  ['get', '/account/credits', true],
  ['post', '/contacts/{id}/webhook/resend', true],
  ['get', '/account/ledger', true],
  ['get', '/account/usage', true],
  ['delete', '/contacts/{id}', true],
  ['post', '/contacts/enrich/bulk', true],
  ['get', '/batches/{id}', true],
  ['get', '/openapi.json', false],
  ['get', '/docs', false],
] as const;

/** Every example in the document, with the schema it illustrates. */
function examplesOf(document: Json): Array<{ where: string; schema: Json; example: unknown }> {
  const found: Array<{ where: string; schema: Json; example: unknown }> = [];
  const visit = (node: unknown, where: string) => {
    if (!node || typeof node !== 'object') return;
    const media = node as { schema?: Json; example?: unknown; examples?: Record<string, { value: unknown }> };
    if (media.schema && 'example' in media)
      found.push({ where, schema: media.schema, example: media.example });
    if (media.schema && media.examples) {
      for (const [name, { value }] of Object.entries(media.examples)) {
        found.push({ where: `${where} (${name})`, schema: media.schema, example: value });
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'schemas') visit(child, `${where}/${key}`);
    }
  };
  visit({ paths: document.paths, webhooks: document.webhooks }, '');
  return found;
}

describe('Function: buildOpenApiDocument', () => {
  const document = buildOpenApiDocument();

  it('passes an OpenAPI 3.1 validator', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, openApiText());

    try {
      // Act
      const output = execFileSync(process.execPath, [VALIDATOR_CLI, file], { encoding: 'utf8' });

      // Assess
      expect(document.openapi).toMatch(/^3\.1\./);
      expect(JSON.parse(output)).toEqual({ valid: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is committed as openapi.json exactly as the code generates it (npm run openapi rewrites it)', () => {
    // Act
    const committed = readFileSync(OPENAPI_FILE, 'utf8');

    // Assess
    expect(committed).toBe(openApiText());
  });

  it.each(CONTRACT_ROUTES)('describes %s %s, with the bearer key unless public', (method, path, keyed) => {
    // Act
    const operation = (document.paths[path] as Record<string, Json> | undefined)?.[method];

    // Assess
    expect(operation).toBeDefined();
    expect(operation!.operationId).toEqual(expect.any(String));
    if (keyed) {
      expect(operation!.security).toBeUndefined();
      expect(document.security).toEqual([{ bearer: [] }]);
      expect(operation!.responses).toHaveProperty('401');
    } else {
      expect(operation!.security).toEqual([]);
    }
  });

  it('declares the bearer scheme', () => {
    // Assess
    expect((document.components as Json).securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it.each(['enrichment.finished', 'batch.finished'])(
    'describes the %s webhook with the Standard Webhooks headers',
    (name) => {
      // Act
      const post = (document.webhooks[name] as { post?: Json } | undefined)?.post;

      // Assess
      expect(post).toBeDefined();
      expect((post!.parameters as Array<{ name: string; in: string }>).map((p) => [p.in, p.name])).toEqual([
        ['header', 'webhook-id'],
        ['header', 'webhook-timestamp'],
        ['header', 'webhook-signature'],
      ]);
      expect(post!.requestBody).toBeDefined();
    },
  );

  it('takes the request body from the schema that validates requests, every field documented', () => {
    // Prepare
    const fields = Object.keys(buildSchema({ allowPrivateTargets: false }).shape);

    // Act
    const request = (document.components as { schemas: Record<string, Json> }).schemas.EnrichmentRequest!;

    // Assess
    expect(Object.keys(request.properties as Json)).toEqual(fields);
    expect(request.additionalProperties).toBe(false);
    expect(request.required).toEqual(['firstname', 'lastname', 'enrichment_type']);
    for (const field of fields)
      expect([field, REQUEST_FIELD_DOCS[field]]).toEqual([field, expect.any(String)]);
  });

  it('gives examples that conform to their schemas', () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components });
    const examples = examplesOf(document);

    // Act
    const failures = examples.flatMap(({ where, schema, example }) => {
      const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(resolved);
      return validate(example) ? [] : [{ where, errors: validate.errors }];
    });

    // Assess
    expect(examples.length).toBeGreaterThan(25);
    expect(failures).toEqual([]);
  });
});
