/**
 * A local stand-in for the deployed REST API: turns each HTTP request into the API Gateway proxy event the
 * deployed API sends (TOKEN authorizer first, its result cached per Authorization header), calls the same
 * handler, and writes its status, headers and body back. Gateway-level failures answer the contract's error
 * body, as the deployed API's gateway responses do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { ROUTES, type FunctionName } from '../functions/manifest';
import type { HttpMethod } from '../functions/manifest/define';
import { MethodNotAllowedError, toErrorBody } from '../functions/domain/errors';
import { lambdaContext } from './lambda-context';
import {
  GATEWAY_ERRORS,
  type GatewayError,
  type GatewayErrorName,
} from '../functions/handlers/gateway-errors';

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

interface Route {
  method: HttpMethod;
  /** The route's path as the manifest (and API Gateway's `resource`) writes it: `/contacts/{id}`. */
  resource: string;
  pattern: RegExp;
  handler: ApiHandler;
  /** The names of the path parameters the pattern captures, in order. */
  parameters: string[];
  /** Answered without an API key (the API reference). */
  public?: boolean;
}

/** A matcher for a route's path: each `{name}` segment captures one segment of the request path. */
function patternOf(path: string): { pattern: RegExp; parameters: string[] } {
  const parameters: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (parameter === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameters.push(parameter);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), parameters };
}

export interface LocalApiOptions {
  authorizer: AuthorizerHandler;
  /** The handler of each function the routes of the manifest name. */
  handlers: Record<FunctionName, ApiHandler>;
  /** Authorizer result cache, as configured on the deployed authorizer. */
  authorizerCacheSeconds: number;
  /** Extra loopback-only routes of the local stack (operator actions), by `METHOD /path`. */
  operatorRoutes?: Record<string, (url: URL) => Promise<unknown>>;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

const STAGE = 'local';
const API_ID = 'local';
/** API Gateway's own payload limit; the accept handler enforces the contract's smaller one. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The answer the deployed API's gateway response of the same name gives. */
function gatewayError(name: GatewayErrorName): APIGatewayProxyResult {
  const answer: GatewayError = GATEWAY_ERRORS[name];
  return {
    statusCode: answer.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...answer.headers },
    body: JSON.stringify(answer.body),
  };
}

/** Whether every percent-escape of the path decodes (to UTF-8). */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** 405 with the methods the path takes, as the deployed API's per-resource `ANY` method answers. */
function methodNotAllowed(methods: string[]): APIGatewayProxyResult {
  const allowed = [...new Set(methods)].sort();
  const { status, body } = toErrorBody(new MethodNotAllowedError(allowed));
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', Allow: allowed.join(', ') },
    body: JSON.stringify(body),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class LocalApi {
  private readonly routes: Route[];
  private readonly authorizerCache = new Map<
    string,
    { result: APIGatewayAuthorizerResult; expiresAt: number }
  >();
  private server: Server | undefined;

  constructor(private readonly options: LocalApiOptions) {
    this.routes = ROUTES.map((route) => ({
      method: route.method,
      resource: route.path,
      ...patternOf(route.path),
      handler: options.handlers[route.function],
      public: route.public,
    }));
  }

  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    let result: APIGatewayProxyResult;
    try {
      result = await this.dispatch(request, method, url);
    } catch {
      // A handler that throws is a Lambda error: API Gateway answers 502 with its gateway response.
      result = gatewayError('internalError');
    }
    response.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
    response.end(result.body);
    this.options.onRequest?.({
      method,
      path: url.pathname,
      status: result.statusCode,
      ms: Date.now() - started,
    });
  }

  private async dispatch(request: IncomingMessage, method: string, url: URL): Promise<APIGatewayProxyResult> {
    const operator = this.options.operatorRoutes?.[`${method} ${url.pathname}`];
    if (operator)
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(await operator(url)),
      };

    // A malformed percent-escape names no resource: 404, as for any unknown path.
    if (!decodable(url.pathname)) return gatewayError('resourceNotFound');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const onPath = this.routes.filter((candidate) => candidate.pattern.test(path));
    const route = onPath.find((candidate) => candidate.method === method);
    if (!route) {
      if (!onPath.length) return gatewayError('unknownRoute');
      return methodNotAllowed(onPath.map((candidate) => candidate.method));
    }

    let principal: Record<string, string> | undefined;
    if (!route.public) {
      const authorization = request.headers.authorization;
      if (!authorization) return gatewayError('unauthorized');
      principal = await this.authorize(authorization, method, url.pathname);
      if (!principal) return gatewayError('unauthorized');
    }

    const body = await readBody(request);
    if (body === undefined) return gatewayError('requestTooLarge');
    const event = this.event(request, method, new URL(path + url.search, url), route, principal, body);
    return route.handler(event, lambdaContext(route.resource));
  }

  private async authorize(
    token: string,
    method: string,
    path: string,
  ): Promise<Record<string, string> | undefined> {
    const cached = this.authorizerCache.get(token);
    let result = cached && cached.expiresAt > Date.now() ? cached.result : undefined;
    if (!result) {
      const methodArn = `arn:aws:execute-api:local:000000000000:${API_ID}/${STAGE}/${method}${path}`;
      try {
        result = await this.options.authorizer(
          { type: 'TOKEN', authorizationToken: token, methodArn },
          lambdaContext('authorizer'),
        );
      } catch {
        return undefined;
      }
      if (this.options.authorizerCacheSeconds > 0) {
        this.authorizerCache.set(token, {
          result,
          expiresAt: Date.now() + this.options.authorizerCacheSeconds * 1000,
        });
      }
    }
    const allowed = result.policyDocument.Statement.some(
      (statement) => 'Effect' in statement && statement.Effect === 'Allow',
    );
    if (!allowed) return undefined;
    return { principalId: result.principalId, ...(result.context as Record<string, string> | undefined) };
  }

  private event(
    request: IncomingMessage,
    method: string,
    url: URL,
    route: Route,
    principal: Record<string, string> | undefined,
    body: Buffer,
  ): APIGatewayProxyEvent {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i]!;
      const value = request.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const query = url.searchParams.size ? Object.fromEntries(url.searchParams) : null;
    const values = route.pattern.exec(url.pathname)?.slice(1) ?? [];
    return {
      httpMethod: method,
      path: url.pathname,
      resource: route.resource,
      pathParameters: route.parameters.length
        ? Object.fromEntries(route.parameters.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]))
        : null,
      queryStringParameters: query,
      multiValueQueryStringParameters: query
        ? Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)]))
        : null,
      headers,
      multiValueHeaders,
      body: body.length ? body.toString('utf8') : null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: API_ID,
        authorizer: principal ?? null,
        httpMethod: method,
        identity: {
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? null,
        } as APIGatewayProxyEvent['requestContext']['identity'],
        // Served at the root, as behind a custom domain: no stage segment in the URL.
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        requestId: randomUUID(),
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: route.resource,
        stage: STAGE,
      },
    };
  }
}
