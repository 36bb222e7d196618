/**
 * The manifest against what is derived from it: the synthesized API Gateway methods and the committed OpenAPI
 * document list exactly the manifest's routes (in both directions), each method on the function its entry names,
 * behind the authorizer unless the route is public.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../../functions/manifest';
import { PROJECT_ROOT, propertiesOf, resourcesOf, synthesize, type Synthesized } from './synthesize';

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const MANIFEST_ROUTES = ROUTES.map((route) => key(route.method, route.path)).sort();

describe('The manifest', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize();
  }, 120_000);

  afterAll(() => synthesized.dispose());

  /** Every API Gateway method of the template: its route, authorization and integrated function. */
  function synthesizedMethods(httpMethods: 'routes' | 'any' = 'routes') {
    return Object.values(resourcesOf(synthesized.template, 'AWS::ApiGateway::Method'))
      .filter((method) => (method.Properties.HttpMethod === 'ANY') === (httpMethods === 'any'))
      .map((method) => {
        const parts: string[] = [];
        let resourceId = (method.Properties.ResourceId as { Ref?: string }).Ref;
        while (resourceId) {
          const resource = propertiesOf(synthesized.template, resourceId);
          parts.unshift(resource.PathPart as string);
          resourceId = (resource.ParentId as { Ref?: string }).Ref;
        }
        return {
          route: key(method.Properties.HttpMethod as string, `/${parts.join('/')}`),
          authorization: method.Properties.AuthorizationType,
          integration: JSON.stringify(method.Properties.Integration),
          properties: method.Properties,
        };
      });
  }

  it('is the API Gateway: every route a method, every method a route', () => {
    // Act
    const methods = synthesizedMethods().map((method) => method.route);

    // Assess
    expect(methods.sort()).toEqual(MANIFEST_ROUTES);
  });

  it('puts each route on the function its entry names, behind the authorizer unless public', () => {
    const methods = synthesizedMethods();
    for (const route of ROUTES) {
      // Act
      const method = methods.find((candidate) => candidate.route === key(route.method, route.path));
      const fn = synthesized.stack.functionNamed(route.function);

      // Assess
      expect(method?.integration).toContain(synthesized.logicalId(fn));
      expect(method?.authorization).toBe(route.public ? 'NONE' : 'CUSTOM');
    }
  });

  it('answers 405 with the methods a path takes to any other method of it, from a mock integration', () => {
    // Act
    const fallbacks = synthesizedMethods('any');

    // Assess
    const paths = [...new Set(ROUTES.map((route) => route.path))].sort();
    expect(fallbacks.map((fallback) => fallback.route.replace(/^ANY /, '')).sort()).toEqual(paths);
    for (const fallback of fallbacks) {
      const path = fallback.route.replace(/^ANY /, '');
      const allowed = [...new Set(ROUTES.filter((r) => r.path === path).map((r) => r.method))].sort();
      const integration = fallback.properties.Integration as {
        Type: string;
        IntegrationResponses: {
          StatusCode: string;
          ResponseParameters: Record<string, string>;
          ResponseTemplates: Record<string, string>;
        }[];
      };
      expect(integration.Type).toBe('MOCK');
      expect(integration.IntegrationResponses[0]!.StatusCode).toBe('405');
      expect(integration.IntegrationResponses[0]!.ResponseParameters['method.response.header.Allow']).toBe(
        `'${allowed.join(', ')}'`,
      );
      expect(
        JSON.parse(integration.IntegrationResponses[0]!.ResponseTemplates['application/json']!),
      ).toMatchObject({
        code: 'method_not_allowed',
      });
    }
  });

  it('is the OpenAPI document: every route an operation, every operation a route', () => {
    // Act
    const document = JSON.parse(readFileSync(join(PROJECT_ROOT, 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => key(method, path)),
    );

    // Assess
    expect(operations.sort()).toEqual(MANIFEST_ROUTES);
  });
});
