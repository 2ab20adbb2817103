// The DynamoDB tables of a TablePlan as constructs: each target table and the control table is
// created (on-demand billing, point-in-time recovery, the mapping's TTL attribute, deletion
// protection, and kept when the stack is deleted: the items are the product) or imported by
// name when it exists already.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { PlannedTable, TableKey, TablePlan } from '../table-plan.js';

export interface DeployedTable {
  plan: PlannedTable;
  table: ITable;
}

export class MapcTables extends Construct {
  readonly targets: DeployedTable[];
  readonly control: DeployedTable;

  constructor(scope: Construct, id: string, plan: TablePlan) {
    super(scope, id);
    this.targets = plan.targets.map((table) => ({
      plan: table,
      table: this.tableFor(`Target-${table.target}`, table),
    }));
    this.control = { plan: plan.control, table: this.tableFor('Control', plan.control) };
  }

  /** Every table the job reads or writes. */
  get all(): DeployedTable[] {
    return [...this.targets, this.control];
  }

  private tableFor(id: string, planned: PlannedTable): ITable {
    if (planned.existing) return Table.fromTableName(this, id, planned.tableName);
    if (planned.partitionKey === null)
      throw new Error(`${planned.tableName}: cannot create a table whose partition key type is unknown`);
    return new Table(this, id, {
      tableName: planned.tableName,
      partitionKey: attribute(planned.partitionKey),
      ...(planned.sortKey ? { sortKey: attribute(planned.sortKey) } : {}),
      ...(planned.ttlAttribute ? { timeToLiveAttribute: planned.ttlAttribute } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function attribute(key: TableKey) {
  const type = key.type === 'S' ? AttributeType.STRING : key.type === 'N' ? AttributeType.NUMBER : AttributeType.BINARY;
  return { name: key.name, type };
}
