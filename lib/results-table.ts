import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../lambdas/core/contracts.js';

export interface ResultsTableProps {
  /** @default RemovalPolicy.RETAIN: history outlives the stack */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A name other regions' probe stacks can write to (PhysicalName.GENERATE_IF_NEEDED: made when a stack in
   * another region refers to the table). @default CloudFormation names it
   */
  readonly tableName?: string;
}

/** The single table for results, per-check state and incidents (docs/architecture.md, "The table"). */
export class ResultsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: ResultsTableProps = {}) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.tableName ? { tableName: props.tableName } : {}),
    });
  }
}
