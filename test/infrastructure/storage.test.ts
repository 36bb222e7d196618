import { Match } from 'aws-cdk-lib/assertions';
import { TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/keys';
import { resourcesOf, synthesize, type Synthesized } from './synthesize';

describe('Construct: Storage', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize();
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it('creates one table keyed by PK and SK, with only the sparse pending and undelivered-webhook indexes and no stream', () => {
    // Act
    const tables = Object.values(resourcesOf(synthesized.template, 'AWS::DynamoDB::GlobalTable'));

    // Assess
    expect(tables).toHaveLength(1);
    expect(resourcesOf(synthesized.template, 'AWS::DynamoDB::Table')).toEqual({});
    expect(tables[0]!.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: 'pending_shard', AttributeType: 'S' },
        { AttributeName: 'created_at', AttributeType: 'S' },
        { AttributeName: 'webhook_shard', AttributeType: 'S' },
      ],
    });
    expect(
      (tables[0]!.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map(
        (index) => index.IndexName,
      ),
    ).toEqual(['pending', 'undelivered-webhooks']);
    expect(tables[0]!.Properties.LocalSecondaryIndexes).toBeUndefined();
    expect(tables[0]!.Properties.StreamSpecification).toBeUndefined();
  });

  it('bills on demand, encrypts with KMS and expires records by their expires_at attribute', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    expect(TTL_ATTRIBUTE).toBe('expires_at');
  });

  it('keeps point-in-time recovery on, and turns deletion protection on as the last step of the stack', () => {
    // Arrange
    const protection = Object.entries(resourcesOf(synthesized.template, 'Custom::AWS'));
    const table = synthesized.logicalId(synthesized.stack.storage.table);
    const stateMachine = synthesized.logicalId(synthesized.stack.workflow.stateMachine);
    const topic = synthesized.logicalId(synthesized.stack.monitoring.alarmTopic);

    // Assess: off in the table's own template, so that a failed first create can roll back and delete it.
    synthesized.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
        }),
      ],
    });
    expect(protection).toHaveLength(1);
    const [, resource] = protection[0]!;
    const create = JSON.stringify(resource.Properties.Create);
    expect(create).toContain('updateTable');
    expect(create).toContain('\\"DeletionProtectionEnabled\\":true');
    expect(create).toContain(table);
    expect(resource.Properties.Delete).toBeUndefined();
    expect(resource.DependsOn).toEqual(expect.arrayContaining([stateMachine, topic]));
  });

  it('retains the table when the stack is deleted or the table replaced, but not after a failed first create', () => {
    // Assess
    synthesized.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('names the table in a stack output for the operator CLI', () => {
    // Assess
    synthesized.template.hasOutput('TableName', {
      Value: { Ref: synthesized.logicalId(synthesized.stack.storage.table) },
    });
  });
});
