import { Match } from 'aws-cdk-lib/assertions';
import { propertiesOf, synthesize, type Synthesized } from './synthesize';

describe('Construct: Recovery', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize();
  }, 120_000);
  afterAll(() => synthesized.dispose());

  const id = (construct: Parameters<Synthesized['logicalId']>[0]) => synthesized.logicalId(construct);

  it("sends this state machine's failed, timed-out and aborted executions to the recovery function", () => {
    // Act
    const { recovery, workflow } = synthesized.stack;
    const rule = propertiesOf(synthesized.template, id(recovery.executionEndedRule));

    // Assess
    expect(rule.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [{ Ref: id(workflow.stateMachine) }],
      },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [id(synthesized.stack.functionNamed('recover-enrichment')), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      }),
    ]);
    synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [id(synthesized.stack.functionNamed('recover-enrichment')), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [id(recovery.executionEndedRule), 'Arn'] },
    });
  });

  it('runs the sweeper every five minutes', () => {
    // Act
    const rule = propertiesOf(synthesized.template, id(synthesized.stack.recovery.sweepRule));

    // Assess
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [id(synthesized.stack.functionNamed('sweep-pending')), 'Arn'] },
      }),
    ]);
  });

  it('lets the sweeper start and describe executions of this state machine only, and queue webhooks', () => {
    // Act
    const { workflow, webhooks } = synthesized.stack;

    // Assess
    for (const statement of [
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: id(workflow.stateMachine) } },
      Match.objectLike({ Action: 'states:DescribeExecution', Effect: 'Allow' }),
      Match.objectLike({
        Action: 'dynamodb:Query',
        Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      }),
      Match.objectLike({
        Action: Match.arrayWith(['sqs:SendMessage']),
        Resource: { 'Fn::GetAtt': [id(webhooks.queue.queue), 'Arn'] },
      }),
    ]) {
      synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: id(synthesized.stack.functionNamed('sweep-pending').role!) }],
        PolicyDocument: { Statement: Match.arrayWith([statement]) },
      });
    }
    const sweeper = propertiesOf(synthesized.template, id(synthesized.stack.functionNamed('sweep-pending')))
      .Environment as {
      Variables: Record<string, unknown>;
    };
    expect(sweeper.Variables).toMatchObject({
      STATE_MACHINE_ARN: { Ref: id(workflow.stateMachine) },
      MAX_ENRICHMENT_SECONDS: '3600',
    });
  });

  it('bounds every execution with the deployment setting and indexes pending records sparsely', () => {
    // Act
    const table = propertiesOf(synthesized.template, id(synthesized.stack.storage.table));

    // Assess
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'pending',
        KeySchema: [
          { AttributeName: 'pending_shard', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['account_id', 'enrichment_id', 'enrichment_type'],
        },
      },
      {
        IndexName: 'undelivered-webhooks',
        KeySchema: [{ AttributeName: 'webhook_shard', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['account_id', 'enrichment_id', 'type'] },
      },
    ]);
  });
});
