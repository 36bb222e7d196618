import { AwsSolutionsChecks } from 'cdk-nag';
import { MAX_BODY_BYTES } from '../../functions/domain/limits';
import { resourcesOf, synthesize, type Synthesized } from './synthesize';

interface WebAclProperties {
  Scope: string;
  DefaultAction: unknown;
  CustomResponseBodies: Record<string, { ContentType: string; Content: string }>;
  Rules: {
    Name: string;
    Action: {
      Block: {
        CustomResponse: { ResponseCode: number; CustomResponseBodyKey: string; ResponseHeaders?: unknown };
      };
    };
    Statement: Record<string, Record<string, unknown>>;
  }[];
}

describe('Construct: ApiFirewall', () => {
  let synthesized: Synthesized;
  let webAcl: WebAclProperties;

  function rule(name: string): WebAclProperties['Rules'][number] {
    const found = webAcl.Rules.find((candidate) => candidate.Name === name);
    if (!found) throw new Error(`No rule ${name}`);
    return found;
  }

  function blockedBody(name: string): { code: string } {
    const key = rule(name).Action.Block.CustomResponse.CustomResponseBodyKey;
    return JSON.parse(webAcl.CustomResponseBodies[key]!.Content) as { code: string };
  }

  beforeAll(() => {
    // Prepare: a deployment that asks for the web ACL, as `cdk deploy -c webAcl=true` does.
    synthesized = synthesize({ context: { webAcl: 'true', webAclRateLimitPerIp: '1000' } });
    webAcl = Object.values(resourcesOf(synthesized.template, 'AWS::WAFv2::WebACL'))[0]!
      .Properties as unknown as WebAclProperties;
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it('puts a regional web ACL that allows by default in front of the API stage', () => {
    // Assess
    expect(webAcl).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const association = Object.values(resourcesOf(synthesized.template, 'AWS::WAFv2::WebACLAssociation'))[0]!;
    expect(association.Properties.WebACLArn).toEqual({
      'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.api.firewall!.webAcl), 'Arn'],
    });
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(
      `{"Ref":"${synthesized.logicalId(synthesized.stack.api.restApi.deploymentStage)}"}`,
    );
  });

  it('answers a body over 16 KiB with 413 and the payload_too_large body, except on the bulk route', () => {
    // Act
    const bodyRule = rule('BodyOverLimit');

    // Assess
    const [size, notBulk] = bodyRule.Statement.AndStatement!.Statements as Array<Record<string, unknown>>;
    expect(size!.SizeConstraintStatement).toMatchObject({
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      ComparisonOperator: 'GT',
      Size: MAX_BODY_BYTES,
    });
    expect(notBulk!.NotStatement).toEqual({
      Statement: {
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'ENDS_WITH',
          SearchString: '/contacts/enrich/bulk',
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      },
    });
    expect(bodyRule.Action.Block.CustomResponse.ResponseCode).toBe(413);
    expect(blockedBody('BodyOverLimit').code).toBe('payload_too_large');
  });

  it('answers an IP address over its rate with 429, the rate_limited body and Retry-After', () => {
    // Act
    const rateRule = rule('RatePerIp');

    // Assess
    expect(rateRule.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 1000 });
    expect(rateRule.Action.Block.CustomResponse.ResponseCode).toBe(429);
    expect(blockedBody('RatePerIp').code).toBe('rate_limited');
    expect(rateRule.Action.Block.CustomResponse.ResponseHeaders).toEqual([
      { Name: 'Retry-After', Value: '60' },
    ]);
  });

  it('satisfies cdk-nag without acknowledging the missing web ACL', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(synthesized.stack);

    // Assess
    expect(report.violations).toEqual([]);
    expect(JSON.stringify(synthesized.stack.api.restApi.node.metadata)).not.toContain('AwsSolutions-APIG3');
  });
});
