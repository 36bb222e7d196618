import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { resourcesOf, synthesize, type Synthesized } from './synthesize';

/**
 * The only actions allowed on Resource "*", each because AWS offers no resource-level permission for it.
 */
const ALLOWED_ON_ANY_RESOURCE = new Set([
  // X-Ray: trace segments and sampling rules belong to the account, not to a resource (Lambda and Step
  // Functions tracing).
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // CloudWatch Logs vended-log delivery, which Step Functions logging uses: these APIs accept only "*".
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

interface Finding {
  rule: string;
  path: string;
}

/** Unacknowledged cdk-nag findings; `ignoringAcknowledgments` lists every finding, acknowledged or not. */
function nagFindings(scope: IConstruct, options: { ignoringAcknowledgments?: boolean } = {}) {
  const pack = new AwsSolutionsChecks();
  if (options.ignoringAcknowledgments) {
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  }
  return pack.validateScope(scope).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      rule: violation.ruleName,
      severity: violation.severity,
      path: (resource as { constructPath: string }).constructPath,
    })),
  );
}

/** Every acknowledgment recorded in the tree: rule id, where, and the reason given. */
function acknowledgments(scope: IConstruct): { rule: string; path: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          rule: rule.replace(/^annotation::/i, ''),
          path: construct.node.path,
          reason,
        })),
      ),
  );
}

describe('Construct: EnrichmentStack', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize({ cloudFormationValidation: true });
  }, 180_000);

  afterAll(() => synthesized.dispose());

  it('passes the cdk-nag AWS Solutions checks with no unacknowledged error or warning', () => {
    // Act
    const findings = nagFindings(synthesized.stack);

    // Assess
    expect(findings).toEqual([]);
  });

  it('acknowledges each cdk-nag rule with a written reason, and only rules that actually fire', () => {
    // Arrange
    const acknowledged = acknowledgments(synthesized.stack);
    const covers = (ack: { rule: string; path: string }, finding: Finding) =>
      ack.rule === finding.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));

    // Act
    const findings = nagFindings(synthesized.stack, { ignoringAcknowledgments: true });

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const ack of acknowledged) {
      expect(ack.rule).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(80);
      expect(findings.some((finding) => covers(ack, finding))).toBe(true);
    }
    for (const finding of findings) {
      expect(acknowledged.some((ack) => covers(ack, finding))).toBe(true);
    }
  });

  it('grants Resource "*" only for actions AWS offers no resource-level permission for', () => {
    // Act
    const statements = Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const onAnyResource = statements
      .filter((statement) => [statement.Resource].flat().includes('*'))
      .flatMap((statement) => [statement.Action].flat());

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    expect(onAnyResource.filter((action) => !ALLOWED_ON_ANY_RESOURCE.has(action))).toEqual([]);
    expect(
      statements.flatMap((statement) => [statement.Action].flat()).filter((a) => a.includes('*')),
    ).toEqual([]);
  });

  it('gives no role an AWS managed policy but the API Gateway logging role, and defines no inline role policy', () => {
    // Assess
    // The one exception: the account-level role API Gateway itself assumes to write access logs.
    for (const role of Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Role'))) {
      const managed = JSON.stringify(role.Properties.ManagedPolicyArns ?? []);
      if (managed.includes('AmazonAPIGatewayPushToCloudWatchLogs')) {
        expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(
          'apigateway.amazonaws.com',
        );
        continue;
      }
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
    }
  });

  it("passes the CDK's built-in CloudFormation validation of the template", () => {
    // Act
    const reportFile = join(synthesized.assemblyDir, 'validation-report.json');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      pluginReports: { violations?: { ruleName: string }[] }[];
    };

    // Assess: the one finding is the warning that no alarm email is set, which the default settings leave empty.
    expect(
      report.pluginReports
        .flatMap((plugin) => plugin.violations ?? [])
        .map((violation) => violation.ruleName),
    ).toEqual(['Annotation::contact-enrichment:alarmEmail']);
  });

  it('outputs what the operator needs after a deployment', () => {
    // Act
    const outputs = Object.keys(synthesized.template.toJSON().Outputs as Record<string, unknown>);

    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TableName',
        'ProviderSecretName',
        'AlarmTopicArn',
        'WebhookQueueUrl',
        'WebhookDeadLetterQueueUrl',
      ]),
    );
  });

  it('subscribes no email address to the alarm topic unless one is configured', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('keeps no API key, secret value or private webhook permission in the template by default', () => {
    // Act
    const text = JSON.stringify(synthesized.template.toJSON());

    // Assess
    expect(text).not.toMatch(/_API_KEY|whsec_|"apiKey"/);
    expect(text).not.toContain('"ALLOW_PRIVATE_WEBHOOK_TARGETS":"true"');
  });
});
