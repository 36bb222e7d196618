/**
 * The product's one DynamoDB table: accounts, API keys, contacts, the credit ledger and idempotency records,
 * keyed as `functions/adapters/dynamodb/keys.ts` describes. It holds customer data and money, so it outlives
 * the stack.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct, type IConstruct } from 'constructs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { PENDING_INDEX, TTL_ATTRIBUTE, WEBHOOK_INDEX } from '../../functions/adapters/dynamodb/keys';
import type { EnrichmentTable } from './enrichment-function';

export class Storage extends Construct implements EnrichmentTable {
  readonly table: TableV2;
  readonly pendingIndexName = PENDING_INDEX.name;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      // Traffic is bursty and small; on-demand costs nothing while idle and needs no capacity planning.
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Off while the stack is being created, so that a failed first deploy can roll back (DynamoDB refuses to
      // delete a protected table, which would leave the stack in ROLLBACK_FAILED); `protectOnceCreated` turns it
      // on as the stack's last step.
      deletionProtection: false,
      // `cdk destroy` leaves the table (balances, ledger, keys) in place; deleting it is a separate decision. A
      // first deploy that rolls back deletes the table it just created (it holds nothing yet), rather than
      // leaving an orphan that blocks the next attempt.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      // Sparse: only pending contacts carry its partition key, so the sweeper reads the backlog, not the table.
      globalSecondaryIndexes: [
        {
          indexName: PENDING_INDEX.name,
          partitionKey: { name: PENDING_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: PENDING_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...PENDING_INDEX.projected],
        },
        // Sparse too: only finished records whose webhook is still to be delivered carry its partition key.
        {
          indexName: WEBHOOK_INDEX.name,
          partitionKey: { name: WEBHOOK_INDEX.partitionKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...WEBHOOK_INDEX.projected],
        },
      ],
    });
  }

  /**
   * Turns the table's deletion protection on once everything in `after` exists: the last step of a first deploy,
   * so nothing can fail after it and roll back into a protected table. CloudFormation leaves the setting alone
   * afterwards (the template's value never changes), so later deploys keep it on.
   */
  protectOnceCreated(after: readonly IConstruct[]): AwsCustomResource {
    const updateTable = {
      service: 'DynamoDB',
      action: 'updateTable',
      parameters: { TableName: this.table.tableName, DeletionProtectionEnabled: true },
      physicalResourceId: PhysicalResourceId.of(`${this.node.path}/DeletionProtection`),
    };
    // A role of its own, as every function of the stack has: its log group, and (added by the construct) the one
    // UpdateTable call on this table; no AWS managed policy.
    const logGroup = new LogGroup(this, 'DeletionProtectionLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'DeletionProtectionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Turns the data table deletion protection on after the first deploy',
    });
    logGroup.grantWrite(role);
    const protection = new AwsCustomResource(this, 'DeletionProtection', {
      onCreate: updateTable,
      onUpdate: updateTable,
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.table.tableArn] }),
      installLatestAwsSdk: false,
      role,
      logGroup,
    });
    for (const construct of after) protection.node.addDependency(construct);
    return protection;
  }
}
