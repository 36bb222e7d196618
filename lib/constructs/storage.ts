/**
 * The product's one DynamoDB table: accounts, API keys, contacts, the credit ledger and idempotency records,
 * keyed as `functions/adapters/dynamodb/keys.ts` describes. It holds customer data and money, so it outlives
 * the stack.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
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
      deletionProtection: true,
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
}
