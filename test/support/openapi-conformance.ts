/**
 * Checks a response of the API against the OpenAPI document the API serves (openapi-backend routes the request
 * to its operation and validates the body with Ajv for JSON Schema 2020-12): its status is documented for the
 * operation, its content type is one the document gives, and a JSON body matches the schema. The end-to-end
 * client runs it on every response, so the document cannot drift from what the API answers.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import OpenAPIBackend, { type Operation } from 'openapi-backend';
import { buildOpenApiDocument } from '../../functions/openapi/document';

export interface ObservedResponse {
  method: string;
  /** The path and query the client called, relative to the API's base URL. */
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** OpenAPI 3.1 schemas are JSON Schema 2020-12. */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

let backend: Promise<OpenAPIBackend> | undefined;

function api(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const instance = new OpenAPIBackend({
      definition: buildOpenApiDocument() as never,
      quick: true,
      strict: true,
      customizeAjv: newAjv,
    });
    await instance.init();
    return instance;
  })();
  return backend;
}

/** The problems of one response; empty when it conforms. */
export async function conformanceProblems(response: ObservedResponse): Promise<string[]> {
  const instance = await api();
  const url = new URL(response.path, 'http://api.invalid');
  const operation = instance.router.matchOperation({
    method: response.method,
    path: url.pathname,
    headers: {},
    query: Object.fromEntries(url.searchParams),
  }) as Operation | undefined;
  const isJson = response.contentType?.startsWith('application/json') ?? false;
  const body = isJson && response.text ? (JSON.parse(response.text) as unknown) : null;
  if (!operation) {
    // A route the API does not have: the gateway's answer still has the error body.
    const validate = newAjv().compile(
      (instance.definition.components!.schemas as Record<string, object>).Error!,
    );
    return validate(body) ? [] : [`unknown route answered a non-error body: ${ajvText(validate.errors)}`];
  }

  const id = operation.operationId!;
  const responses = operation.responses ?? {};
  const documented =
    responses[String(response.status)] ??
    responses[`${Math.floor(response.status / 100)}XX`] ??
    responses.default;
  if (!documented || '$ref' in documented) return [`${id}: status ${response.status} is not documented`];

  const mediaTypes = Object.keys(documented.content ?? {});
  const contentType = response.contentType?.split(';')[0]?.trim() ?? null;
  if (!mediaTypes.length) {
    return response.text ? [`${id}: ${response.status} has no documented body, got one`] : [];
  }
  if (!contentType || !mediaTypes.includes(contentType)) {
    return [`${id}: ${response.status} answered ${contentType}, documented ${mediaTypes.join(', ')}`];
  }
  if (contentType !== 'application/json') return [];
  const result = instance.validator.validateResponse(body, operation, response.status);
  return result.valid ? [] : [`${id}: ${response.status} body: ${ajvText(result.errors)}`];
}

function ajvText(
  errors: ReadonlyArray<{ instancePath?: string; message?: string }> | null | undefined,
): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`).join('; ');
}

/** Throws, naming every problem, when a response does not conform to the document. */
export async function assertConforms(response: ObservedResponse): Promise<void> {
  const problems = await conformanceProblems(response);
  if (problems.length) {
    throw new Error(
      `${response.method} ${response.path} answered ${response.status} outside the OpenAPI document:\n` +
        `${problems.join('\n')}\n${response.text.slice(0, 2000)}`,
    );
  }
}
