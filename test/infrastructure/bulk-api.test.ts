/**
 * The bulk enrichment routes in the synthesized stack: POST /contacts/enrich/bulk and GET /batches/{id}, each
 * behind the authorizer and its own function, the bulk route throttled on its own, and the functions granted
 * what batches need.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { EnrichmentFunction } from '../../lib/constructs/enrichment-function';
import { propertiesOf, resourcesOf, synthesize, type Synthesized } from './synthesize';

describe('Construct: Api (bulk enrichment)', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize();
  }, 120_000);

  afterAll(() => synthesized.dispose());

  /** The method integrating `fn`, and the path of its resource from the root (`/contacts/enrich/bulk`). */
  function routeOf(fn: EnrichmentFunction): { properties: Record<string, unknown>; path: string } {
    const methods = Object.values(resourcesOf(synthesized.template, 'AWS::ApiGateway::Method'));
    const method = methods.find((candidate) =>
      JSON.stringify(candidate.Properties.Integration).includes(synthesized.logicalId(fn)),
    );
    if (!method) throw new Error(`No method integrates ${fn.spec.name}`);
    const parts: string[] = [];
    let resourceId = (method.Properties.ResourceId as { Ref?: string }).Ref;
    while (resourceId) {
      const resource = propertiesOf(synthesized.template, resourceId);
      parts.unshift(resource.PathPart as string);
      resourceId = (resource.ParentId as { Ref?: string }).Ref;
    }
    return { properties: method.Properties, path: `/${parts.join('/')}` };
  }

  it.each([
    ['POST', '/contacts/enrich/bulk', 'accept-batch'],
    ['GET', '/batches/{id}', 'get-batch'],
  ] as const)('serves %s %s behind the authorizer with its own function', (method, path, fn) => {
    // Arrange
    const authorizerId = Object.keys(resourcesOf(synthesized.template, 'AWS::ApiGateway::Authorizer'))[0];

    // Act
    const route = routeOf(synthesized.stack.functionNamed(fn));

    // Assess
    expect(route.path).toBe(path);
    expect(route.properties).toMatchObject({
      HttpMethod: method,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
  });

  it('throttles the bulk route on its own, below the single route (each request starts up to 100)', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1contacts~1enrich~1bulk',
          ThrottlingRateLimit: 1,
          ThrottlingBurstLimit: 5,
        }),
      ]),
    });
  });

  it('takes the bulk route throttling from the deployment settings', () => {
    // Act
    const tuned = synthesize({ context: { bulkRateLimit: '3', bulkBurstLimit: '9' } });
    try {
      // Assess
      tuned.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            ResourcePath: '/~1contacts~1enrich~1bulk',
            ThrottlingRateLimit: 3,
            ThrottlingBurstLimit: 9,
          }),
        ]),
      });
    } finally {
      tuned.dispose();
    }
  });

  it('lets the bulk accept start executions of the waterfall, with its settings, within API Gateway’s 29 s', () => {
    // Arrange
    const fn = synthesized.stack.functionNamed('accept-batch');
    const stateMachineId = synthesized.logicalId(synthesized.stack.workflow.stateMachine);

    // Act
    const properties = propertiesOf(synthesized.template, synthesized.logicalId(fn)) as {
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };

    // Assess
    expect(properties.Timeout).toBeLessThan(29);
    expect(properties.Environment.Variables).toMatchObject({
      STATE_MACHINE_ARN: { Ref: stateMachineId },
      ALLOW_PRIVATE_WEBHOOK_TARGETS: 'false',
    });
    expect(properties.Environment.Variables.WATERFALL_CONFIG).toEqual(expect.any(String));
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: synthesized.logicalId(fn.role!) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId } },
        ]),
      },
    });
  });

  it('monitors both functions like every API function', () => {
    // Assess
    expect(synthesized.stack.api.functions).toEqual(
      expect.arrayContaining([
        synthesized.stack.functionNamed('accept-batch'),
        synthesized.stack.functionNamed('get-batch'),
      ]),
    );
  });
});
