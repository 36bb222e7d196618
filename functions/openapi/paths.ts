/**
 * The document's `paths`, built from a list of operations: each operation is one route (method and path) with
 * what a reader of the document needs of it. The list is declared once (`./operations.ts`); nothing here knows a
 * route by name.
 */
import type { ErrorCode } from '../domain/errors';
import type { Route } from '../manifest/define';
import { errorResponses } from './errors';
import { ref, type Json } from './schemas';

/** A body: a component schema by name (`'Contact'`) or an inline schema, in JSON unless said otherwise. */
export interface Body {
  schema: string | Json;
  example?: unknown;
  mediaType?: string;
}

export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** The path template, as the document shows it: `/contacts/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** `api_key`: the document's default bearer scheme; `none`: no key needed. */
  auth: 'api_key' | 'none';
  /** The path template's parameters; operations that share a path declare the same ones. */
  pathParameters?: Json[];
  /** Query and header parameters. */
  parameters?: Json[];
  request?: Body;
  response: { status: string; description: string; headers?: Json; body?: Body };
  /** Headers a 429 of this route carries besides `Retry-After`. */
  limitHeaders?: Json;
  /** The error codes the operation can answer, in the order the document lists them. */
  errors: readonly ErrorCode[];
}

export function content(body: Body): Json {
  const schema = typeof body.schema === 'string' ? ref(body.schema) : body.schema;
  return {
    [body.mediaType ?? 'application/json']: {
      schema,
      ...(body.example === undefined ? {} : { example: body.example }),
    },
  };
}

function operationObject(operation: Operation): Json {
  const { response } = operation;
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    ...(operation.auth === 'none' ? { security: [] } : {}),
    ...(operation.parameters ? { parameters: operation.parameters } : {}),
    ...(operation.request ? { requestBody: { required: true, content: content(operation.request) } } : {}),
    responses: {
      [response.status]: {
        description: response.description,
        ...(response.headers ? { headers: response.headers } : {}),
        ...(response.body ? { content: content(response.body) } : {}),
      },
      ...errorResponses(operation.errors, operation.limitHeaders),
    },
  };
}

/** What the document says of one route beyond the manifest's method, path and authorization. */
export type OperationDetails = Omit<Operation, 'method' | 'path' | 'auth'>;

/**
 * The `paths` object, from the routes of the manifest and what the document says of each (`METHOD /path`): one
 * entry per path, its parameters first, then its operations in the manifest's order. A route without its details,
 * or details of no route, stop the build.
 */
export function buildPaths(
  routes: ReadonlyArray<Pick<Route, 'method' | 'path' | 'public'>>,
  details: Readonly<Record<string, OperationDetails>>,
): Record<string, Json> {
  const keyOf = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
  const unrouted = Object.keys(details).filter((key) => !routes.some((route) => keyOf(route) === key));
  if (unrouted.length) throw new Error(`Operations of no route in the manifest: ${unrouted.join(', ')}`);
  const operations: Operation[] = routes.map((route) => {
    const detail = details[keyOf(route)];
    if (!detail) throw new Error(`The document says nothing of ${keyOf(route)}`);
    return {
      ...detail,
      method: route.method.toLowerCase() as Operation['method'],
      path: route.path,
      auth: route.public ? 'none' : 'api_key',
    };
  });
  const paths: Record<string, Json> = {};
  for (const operation of operations) {
    const item = (paths[operation.path] ??= operation.pathParameters
      ? { parameters: operation.pathParameters }
      : {});
    if (JSON.stringify(item.parameters) !== JSON.stringify(operation.pathParameters)) {
      throw new Error(`${operation.operationId}: ${operation.path} has other path parameters elsewhere`);
    }
    if (item[operation.method]) throw new Error(`${operation.method} ${operation.path} is declared twice`);
    item[operation.method] = operationObject(operation);
  }
  return paths;
}
