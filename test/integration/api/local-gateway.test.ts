/**
 * The local gateway against the manifest, over real HTTP: each route of the manifest reaches the function its
 * entry names (with its path parameters), behind the authorizer unless public, and no other method of a documented
 * path reaches any function.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FUNCTION_NAMES, ROUTES, type FunctionName } from '../../../functions/manifest';
import { LocalApi } from '../../../local/api-gateway';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

describe('Class: LocalApi, routed by the manifest', () => {
  let api: LocalApi;
  let url: string;
  const authorized: string[] = [];

  beforeAll(async () => {
    // Prepare: every function answers with its own name and the event's path parameters.
    const handlers = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [
        name,
        async (event: APIGatewayProxyEvent) => ({
          statusCode: 200,
          body: JSON.stringify({ function: name, parameters: event.pathParameters }),
        }),
      ]),
    ) as unknown as ConstructorParameters<typeof LocalApi>[0]['handlers'];
    api = new LocalApi({
      handlers,
      authorizer: async (event) => {
        authorized.push(event.methodArn);
        return {
          principalId: 'A1',
          context: { accountId: 'A1' },
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
          },
        };
      },
      authorizerCacheSeconds: 0,
    });
    const server = await api.listen(0);
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => api.close());

  const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_match, name: string) => `${name}-1`);

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'routes %s to its function',
    async (_route, route) => {
      // Prepare
      authorized.length = 0;

      // Act
      const response = await fetch(`${url}${concrete(route.path)}`, {
        method: route.method,
        headers: { Authorization: 'Bearer key' },
      });

      // Assess
      const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        function: route.function satisfies FunctionName,
        parameters: parameters.length
          ? Object.fromEntries(parameters.map((name) => [name, `${name}-1`]))
          : null,
      });
      expect(authorized).toHaveLength(route.public ? 0 : 1);
    },
  );

  it('answers 405 with Allow to a method a documented path does not take, reaching no function', async () => {
    const paths = [...new Set(ROUTES.map((route) => route.path))];
    for (const path of paths) {
      const taken = ROUTES.filter((route) => route.path === path).map((route) => route.method as string);
      for (const method of METHODS.filter((candidate) => !taken.includes(candidate))) {
        // Act
        const response = await fetch(`${url}${concrete(path)}`, {
          method,
          headers: { Authorization: 'Bearer key' },
        });

        // Assess
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe([...taken].sort().join(', '));
        expect(await response.json()).toEqual({
          code: 'method_not_allowed',
          message: expect.stringContaining(taken[0]!),
        });
      }
    }
  });

  it('answers 404 not_found to a malformed percent-escape on every path with a parameter', async () => {
    const withParameter = ROUTES.filter((route) => route.path.includes('{'));
    for (const route of withParameter) {
      for (const malformed of ['%FF', '%', '%ZZ', '%C0%AF']) {
        // Act
        const response = await fetch(`${url}${route.path.replace(/\{\w+\}/, malformed)}`, {
          method: route.method,
          headers: { Authorization: 'Bearer key' },
        });

        // Assess
        expect({ route: route.path, malformed, status: response.status }).toEqual({
          route: route.path,
          malformed,
          status: 404,
        });
        expect(await response.json()).toMatchObject({ code: 'not_found' });
      }
    }
  });

  it('takes a trailing slash as the same route', async () => {
    // Act
    const response = await fetch(`${url}/docs/`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ function: 'api-reference' });
  });
});
