import { SETTINGS } from '../../functions/settings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { stepsDefinition, waterfallDefinition } from '../../statemachines/waterfall';
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

/** The definition CloudFormation will see for a state machine, with its substitutions applied. */
function deployedDefinition(synthesized: Synthesized, properties: Record<string, unknown>): string {
  const location = properties.DefinitionS3Location as { Key: string } | undefined;
  let definition = location
    ? readFileSync(join(synthesized.assemblyDir, `asset.${location.Key}`), 'utf8')
    : placeholderOf(properties.DefinitionString);
  for (const [name, value] of Object.entries(properties.DefinitionSubstitutions as Record<string, unknown>)) {
    definition = definition.replaceAll(`\${${name}}`, placeholderOf(value));
  }
  return definition;
}

/** Every statement of the policies attached to a role. */
function statementsOf(synthesized: Synthesized, roleId: string): Record<string, unknown>[] {
  return Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
}

describe('Construct: Workflow', () => {
  let synthesized: Synthesized;
  let stateMachine: Record<string, unknown>;
  let steps: Record<string, unknown>;

  beforeAll(() => {
    synthesized = synthesize();
    stateMachine = propertiesOf(
      synthesized.template,
      synthesized.logicalId(synthesized.stack.workflow.stateMachine),
    );
    steps = propertiesOf(synthesized.template, synthesized.logicalId(synthesized.stack.workflow.steps));
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it('deploys statemachines/waterfall.asl.json starting the steps state machine, calling record-result, the deployment bound as timeout', () => {
    // Arrange
    const recordResult = synthesized.stack.functionNamed('record-result');
    const expected = JSON.parse(
      waterfallDefinition(SETTINGS.maxEnrichmentSeconds.default)
        .replaceAll('${StepsStateMachineArn}', `<${synthesized.logicalId(synthesized.stack.workflow.steps)}>`)
        .replaceAll('${RecordResultFunctionArn}', `<${synthesized.logicalId(recordResult)}.Arn>`),
    ) as unknown;

    // Act
    const definition = deployedDefinition(synthesized, stateMachine);

    // Assess
    expect(definition).not.toContain('${');
    expect(JSON.parse(definition)).toEqual(expected);
  });

  it('deploys statemachines/waterfall-steps.asl.json as an Express state machine calling provider-step', () => {
    // Arrange
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const expected = JSON.parse(
      stepsDefinition().replaceAll(
        '${ProviderStepFunctionArn}',
        `<${synthesized.logicalId(providerStep)}.Arn>`,
      ),
    ) as unknown;

    // Act
    const definition = deployedDefinition(synthesized, steps);

    // Assess
    expect(definition).not.toContain('${');
    expect(JSON.parse(definition)).toEqual(expected);
    expect(steps).toMatchObject({ StateMachineType: 'EXPRESS', TracingConfiguration: { Enabled: true } });
  });

  it('runs a Standard workflow with X-Ray tracing', () => {
    // Assess
    expect(stateMachine).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
    });
  });

  it('logs errors of both state machines to CloudWatch without execution data', () => {
    for (const machine of [stateMachine, steps]) {
      // Act
      const logging = machine.LoggingConfiguration as {
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
    }
  });

  it('lets each state machine invoke its own Task functions, the waterfall also those of its previous definition, and nothing else', () => {
    // Arrange
    const { stateMachine: machine, steps: stepsMachine } = synthesized.stack.workflow;
    const providerStep = synthesized.stack.functionNamed('provider-step');
    const recordResult = synthesized.stack.functionNamed('record-result');
    const invokes = (roleId: string) =>
      statementsOf(synthesized, roleId).filter((statement) =>
        JSON.stringify(statement.Action).includes('lambda:'),
      );

    // Act
    const waterfall = invokes(synthesized.logicalId(machine.role));
    const stepsInvoke = invokes(synthesized.logicalId(stepsMachine.role));

    // Assess
    // The waterfall keeps ProviderStep for the executions begun on the previous definition, which invoked it.
    expect(waterfall).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [synthesized.logicalId(providerStep), 'Arn'] },
          { 'Fn::GetAtt': [synthesized.logicalId(recordResult), 'Arn'] },
        ],
      },
    ]);
    expect(stepsInvoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [synthesized.logicalId(providerStep), 'Arn'] },
      },
    ]);
  });

  it('lets the waterfall start, describe and stop runs of the steps state machine only, and keep the .sync rule', () => {
    // Arrange
    const { stateMachine: machine, steps: stepsMachine } = synthesized.stack.workflow;
    const stepsId = synthesized.logicalId(stepsMachine);

    // Act
    const statements = statementsOf(synthesized, synthesized.logicalId(machine.role)).filter((statement) =>
      /states:|events:/.test(JSON.stringify(statement.Action)),
    );

    // Assess
    expect(statements).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stepsId } },
      {
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Effect: 'Allow',
        Resource: [expect.anything(), expect.anything()],
      },
      {
        Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
        Effect: 'Allow',
        Resource: expect.anything(),
      },
    ]);
    const [, runs, rule] = statements as Array<{ Resource: unknown }>;
    const text = (value: unknown) => JSON.stringify(value);
    expect(text(runs!.Resource)).toContain(`:execution:`);
    expect(text(runs!.Resource)).toContain(`:express:`);
    expect(text(runs!.Resource)).toContain(`"${stepsId}","Name"`);
    expect(text(rule!.Resource)).toContain(':rule/StepFunctionsGetEventsForStepFunctionsExecutionRule');
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
