import { SETTINGS } from '../../functions/settings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { waterfallDefinition } from '../../statemachines/waterfall';
import { propertiesOf, resourcesOf, synthesize, type Synthesized } from './synthesize';

/**
 * A CloudFormation value as readable text: references become `<LogicalId>` / `<LogicalId.Attribute>`, joins are
 * concatenated, so a definition with tokens can be compared with the file it came from.
 */
function placeholderOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Ref' in intrinsic) return `<${String(intrinsic.Ref)}>`;
  if ('Fn::GetAtt' in intrinsic) return `<${(intrinsic['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(placeholderOf).join(separator);
  }
  throw new Error(`Unexpected intrinsic in the definition: ${JSON.stringify(value)}`);
}

describe('Construct: Workflow', () => {
  let synthesized: Synthesized;
  let stateMachine: Record<string, unknown>;

  beforeAll(() => {
    synthesized = synthesize();
    stateMachine = propertiesOf(
      synthesized.template,
      synthesized.logicalId(synthesized.stack.workflow.stateMachine),
    );
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it('deploys statemachines/waterfall.asl.json with its Task states calling the two task functions and the deployment bound as timeout', () => {
    // Arrange
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const recordResult = synthesized.stack.functionNamed('record-result');
    const expected = JSON.parse(
      waterfallDefinition(SETTINGS.maxEnrichmentSeconds.default)
        .replaceAll('${ProviderStepFunctionArn}', `<${synthesized.logicalId(providerStep)}.Arn>`)
        .replaceAll('${RecordResultFunctionArn}', `<${synthesized.logicalId(recordResult)}.Arn>`),
    ) as unknown;

    // Act: the definition CloudFormation will see, with its substitutions applied.
    const location = stateMachine.DefinitionS3Location as { Key: string } | undefined;
    let definition = location
      ? readFileSync(join(synthesized.assemblyDir, `asset.${location.Key}`), 'utf8')
      : placeholderOf(stateMachine.DefinitionString);
    for (const [name, value] of Object.entries(
      stateMachine.DefinitionSubstitutions as Record<string, unknown>,
    )) {
      definition = definition.replaceAll(`\${${name}}`, placeholderOf(value));
    }

    // Assess
    expect(definition).not.toContain('${');
    expect(JSON.parse(definition)).toEqual(expected);
  });

  it('runs a Standard workflow with X-Ray tracing', () => {
    // Assess
    expect(stateMachine).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
    });
  });

  it('logs errors to CloudWatch without execution data', () => {
    // Act
    const logging = stateMachine.LoggingConfiguration as {
      Level: string;
      IncludeExecutionData: boolean;
      Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[];
    };
    const logGroupId = logging.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];

    // Assess
    expect(logging.Level).toBe('ERROR');
    expect(logging.IncludeExecutionData).toBe(false);
    expect(propertiesOf(synthesized.template, logGroupId)).toMatchObject({ RetentionInDays: 30 });
    expect(propertiesOf(synthesized.template, logGroupId).LogGroupName).toMatch(
      /^\/aws\/vendedlogs\/states\//,
    );
  });

  it('lets the state machine invoke its own two functions and nothing else', () => {
    // Arrange
    const { stateMachine: machine } = synthesized.stack.workflow;
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const recordResult = synthesized.stack.functionNamed('record-result');
    const roleId = synthesized.logicalId(machine.role);

    // Act
    const statements = Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(
        (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
    const invoke = statements.filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));

    // Assess
    expect(invoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [synthesized.logicalId(providerStep), 'Arn'] },
          { 'Fn::GetAtt': [synthesized.logicalId(recordResult), 'Arn'] },
        ],
      },
    ]);
  });

  it('creates the provider secret empty, so no API key is ever in the template', () => {
    // Act
    const secrets = Object.values(resourcesOf(synthesized.template, 'AWS::SecretsManager::Secret'));

    // Assess
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.Properties.SecretString).toBe('{}');
    expect(secrets[0]!.Properties.GenerateSecretString).toBeUndefined();
    synthesized.template.hasOutput('ProviderSecretName', { Value: Match.anyValue() });
  });

  it('gives provider-step the secret id and GetSecretValue on that secret only', () => {
    // Arrange
    const { providerSecret } = synthesized.stack.workflow;
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const secretId = synthesized.logicalId(providerSecret);

    // Act
    const env = (
      propertiesOf(synthesized.template, synthesized.logicalId(providerStep)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    const secretStatements = Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy'))
      .flatMap(
        (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'));

    // Assess
    expect(env.PROVIDER_SECRET_ID).toEqual({ Ref: secretId });
    expect(secretStatements).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } },
    ]);
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: synthesized.logicalId(providerStep.role!) }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:GetSecretValue' })]),
      },
    });
  });

  it('configures the waterfall of every function that reads it from cdk.json', () => {
    // Arrange
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const recordResult = synthesized.stack.functionNamed('record-result');
    const expected = SETTINGS.waterfall.default;

    for (const fn of [providerStep, recordResult, synthesized.stack.functionNamed('accept')]) {
      // Act
      const env = (
        propertiesOf(synthesized.template, synthesized.logicalId(fn)).Environment as {
          Variables: Record<string, string>;
        }
      ).Variables;

      // Assess
      expect(JSON.parse(env.WATERFALL_CONFIG!)).toEqual(expected);
    }
  });

  it('lets record-result hand webhooks to the webhook queue', () => {
    // Arrange
    const recordResult = synthesized.stack.functionNamed('record-result');
    const queueId = synthesized.logicalId(synthesized.stack.webhooks.queue.queue);

    // Act
    const env = (
      propertiesOf(synthesized.template, synthesized.logicalId(recordResult)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

    // Assess
    expect(env.WEBHOOK_QUEUE_URL).toEqual({ Ref: queueId });
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: synthesized.logicalId(recordResult.role!) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }),
        ]),
      },
    });
  });
});
