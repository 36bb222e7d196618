/**
 * The MCP server's tools: one per API operation the contract names, each there when the OpenAPI document has
 * its operation, its input schema the operation's own (the request body's schema, or the path's id), components
 * inlined. A tool calls its operation through the typed client; an API error is a tool error naming the API's
 * `code` and `message`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiError,
  ApiUnreachableError,
  StillPendingError,
  unwrap,
  type EnrichmentClient,
} from '../../client';

type JsonSchema = Record<string, unknown>;

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; description?: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | Operation['parameters']>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface ContractTool {
  name: string;
  method: 'get' | 'post';
  path: string;
  /** The argument holding the path's `{id}`. */
  idArgument?: string;
  /** `enrich_contact`: waits up to `wait_seconds` for the enrichment to finish. */
  waits?: boolean;
}

/** The contract's tools (Release 3, Integrations), in its order. */
export const CONTRACT_TOOLS: readonly ContractTool[] = [
  { name: 'enrich_contact', method: 'post', path: '/contacts/enrich/async', waits: true },
  { name: 'get_enrichment', method: 'get', path: '/contacts/{id}', idArgument: 'enrichment_id' },
  { name: 'enrich_contacts', method: 'post', path: '/contacts/enrich/bulk' },
  { name: 'get_batch', method: 'get', path: '/batches/{id}', idArgument: 'batch_id' },
  { name: 'estimate_enrichment', method: 'post', path: '/contacts/enrich/estimate' },
  { name: 'get_credits', method: 'get', path: '/account/credits' },
];

const WAIT_SECONDS = { type: 'integer', minimum: 0, maximum: 120, default: 30 } as const;

export interface Tool {
  name: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  call(client: EnrichmentClient, args: Record<string, unknown>): Promise<ToolResult>;
}

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

export function readOpenApiDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as OpenApiDocument;
}

/** `schema` with every `#/components/schemas/…` reference replaced by the schema it names. */
function inline(schema: unknown, document: OpenApiDocument): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, document));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const named = document.components?.schemas?.[ref.replace('#/components/schemas/', '')];
    if (!named) throw new Error(`openapi.json: ${ref} is not a component schema`);
    return inline(named, document);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, document)]));
}

function inputSchema(
  tool: ContractTool,
  operation: Operation,
  document: OpenApiDocument,
): Tool['inputSchema'] {
  const body = operation.requestBody?.content?.['application/json']?.schema;
  if (body) {
    const schema = inline(body, document) as JsonSchema & { properties?: JsonSchema };
    if (schema.type !== 'object')
      throw new Error(`openapi.json: ${tool.path} takes a body that is not an object`);
    if (!tool.waits) return schema as Tool['inputSchema'];
    const wait = {
      ...WAIT_SECONDS,
      description: 'Waits up to this many seconds for the enrichment to finish (0: answers at once).',
    };
    return { ...schema, type: 'object', properties: { ...schema.properties, wait_seconds: wait } };
  }
  if (tool.idArgument) {
    const pathLevel = document.paths[tool.path]?.parameters as Operation['parameters'];
    const id = [...(pathLevel ?? []), ...(operation.parameters ?? [])].find((p) => p.in === 'path');
    if (!id) throw new Error(`openapi.json: ${tool.path} has no path parameter`);
    const schema = { ...(inline(id.schema ?? {}, document) as JsonSchema), description: id.description };
    return {
      type: 'object',
      properties: { [tool.idArgument]: schema },
      required: [tool.idArgument],
      additionalProperties: false,
    };
  }
  return { type: 'object', properties: {}, additionalProperties: false };
}

const text = (value: unknown): ToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  structuredContent: value,
});

export const toolError = (code: string, message: string, details: string[] = []): ToolResult => ({
  isError: true,
  content: [{ type: 'text', text: [`${code}: ${message}`, ...details].join('\n') }],
});

function asToolError(error: unknown): ToolResult {
  if (error instanceof ApiError) {
    const details = (error.body.errors ?? []).map((field) => `- ${field.path}: ${field.message}`);
    return toolError(error.code, error.body.message, details);
  }
  if (error instanceof ApiUnreachableError) return toolError('unreachable', error.message);
  throw error;
}

function tool(spec: ContractTool, operation: Operation, document: OpenApiDocument): Tool {
  const schema = inputSchema(spec, operation, document);
  const hasBody = Boolean(operation.requestBody);
  return {
    name: spec.name,
    description: [operation.summary, operation.description].filter(Boolean).join('. '),
    inputSchema: schema,
    async call(client, args) {
      const { wait_seconds: wait = WAIT_SECONDS.default, ...rest } = args;
      if (spec.waits && !(Number.isInteger(wait) && Number(wait) >= 0 && Number(wait) <= 120)) {
        return toolError('validation_error', 'wait_seconds must be a whole number of seconds from 0 to 120.');
      }
      const { [spec.idArgument ?? '']: id, ...body } = spec.waits ? rest : args;
      try {
        // The typed client builds the URL from the documented path; an operation newer than its types goes too.
        const request = client.api.request as unknown as (
          method: string,
          path: string,
          init: object,
        ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
        const answer = unwrap(
          await request(spec.method, spec.path, {
            ...(spec.idArgument ? { params: { path: { id: String(id ?? '') } } } : {}),
            ...(hasBody ? { body } : {}),
          }),
        );
        if (!spec.waits || wait === 0) return text(answer);
        const accepted = answer as { enrichment_id: string };
        try {
          return text(
            await client.waitForContact(accepted.enrichment_id, { timeoutMs: Number(wait) * 1000 }),
          );
        } catch (error) {
          if (error instanceof StillPendingError) return text(error.last);
          throw error;
        }
      } catch (error) {
        return asToolError(error);
      }
    },
  };
}

/** The tools the document's operations allow, in the contract's order. */
export function toolsOf(document: OpenApiDocument): Tool[] {
  return CONTRACT_TOOLS.flatMap((spec) => {
    const operation = document.paths[spec.path]?.[spec.method] as Operation | undefined;
    return operation ? [tool(spec, operation, document)] : [];
  });
}
