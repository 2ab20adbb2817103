// One execution at a time per mapping set, held in the control table, so that the job's own
// lease is not the only guard against two passes at once. Step Functions has no concurrency
// limit of its own; this is the usual DynamoDB lock, taken with conditional writes on one item
// (pk "stepfunctions-lock#<name>", sk "lock"; mapc's own items never use that pk: see
// runtime/control/control-table.ts) and holding the execution's ARN.
//
// Taking it: write our ARN unless another is there. If another is there, ask Step Functions
// whether that execution still runs (DescribeExecution): if it does, this execution has
// nothing to do (the running pass, or the next catch-up, applies every extract); if it ended
// without letting go (stopped by hand, timed out), take the lock over from it, on the
// condition that it is still its holder. No clock is read, so no expiry can be wrong.
// Letting go: delete the item if we still hold it. The state machine's role may touch this
// item only (dynamodb:LeadingKeys).
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Choice,
  Condition,
  CustomState,
  JsonPath,
  Succeed,
  type IChainable,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export const LOCK_SORT_KEY = 'lock';
export const lockPartitionKey = (name: string) => `stepfunctions-lock#${name}`;

/** DynamoDB errors worth another try, as Step Functions names them. */
const DYNAMODB_TRANSIENT = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerErrorException',
];
export const CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';

export interface ExecutionLockProps {
  table: ITable;
  /** The mapping set's name: one lock each. */
  name: string;
  /** The state machine's name, to allow DescribeExecution on its executions only. */
  stateMachineName: string;
}

export class ExecutionLock extends Construct {
  /** The lock item's key, as DynamoDB attribute values. */
  private readonly key: Record<string, unknown>;
  /** This state machine's executions (its name is fixed, so no reference to itself is needed). */
  private readonly executions: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ExecutionLockProps,
  ) {
    super(scope, id);
    this.key = { pk: { S: lockPartitionKey(props.name) }, sk: { S: LOCK_SORT_KEY } };
    this.executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${props.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** What the lock's DynamoDB states need, for the state machine's role: the lock item only. */
  policyStatement(): PolicyStatement {
    return new PolicyStatement({
      sid: 'HoldTheExecutionLockItemOnly',
      actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
      resources: [this.props.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [lockPartitionKey(this.props.name)] } },
    });
  }

  /**
   * The states that take the lock and go on to `whenHeld`; when another execution holds it and
   * runs, they end at a Succeed state. Errors other than a lost race go to `onError` with the
   * error at `$.failure`.
   */
  take(whenHeld: IChainable, onError: IChainable): State {
    const take = this.update('Take the execution lock', 'attribute_not_exists(#holder) OR #holder = :me', {});
    const read = this.dynamo('Read the execution lock', 'getItem', { Key: this.key, ConsistentRead: true }, '$.lock');
    const held = new Choice(this, 'Is the lock held?');
    const describe = new CallAwsService(this, 'Ask whether the holder runs', {
      service: 'sfn',
      action: 'describeExecution',
      iamAction: 'states:DescribeExecution',
      iamResources: [this.executions],
      parameters: { ExecutionArn: JsonPath.stringAt('$.lock.Item.holder.S') },
      resultSelector: { status: JsonPath.stringAt('$.Status') },
      resultPath: '$.lockHolder',
    });
    const running = new Choice(this, 'Does the holder run?');
    const busy = new Succeed(this, 'Another execution is applying the extracts', {
      comment: 'It, or the next catch-up, applies every extract under the prefix.',
    });
    const takeOver = this.update('Take the lock over from an ended execution', '#holder = :holder', {
      ':holder': { 'S.$': '$.lock.Item.holder.S' },
    });

    for (const state of [take, read, takeOver]) state.addRetry({ errors: DYNAMODB_TRANSIENT, maxAttempts: 4 });
    describe.addRetry({ errors: ['Sfn.ThrottlingException', 'Sfn.SfnException'], maxAttempts: 4 });
    take.addCatch(read, { errors: [CONDITION_FAILED], resultPath: JsonPath.DISCARD });
    // Lost a race: another execution took it over first; start again.
    takeOver.addCatch(take, { errors: [CONDITION_FAILED], resultPath: JsonPath.DISCARD });
    // The holder's execution is older than Step Functions keeps history: it has ended.
    describe.addCatch(takeOver, { errors: ['Sfn.ExecutionDoesNotExistException'], resultPath: JsonPath.DISCARD });
    for (const state of [take, read, takeOver])
      state.addCatch(onError, { errors: ['States.ALL'], resultPath: '$.failure' });
    describe.addCatch(onError, { errors: ['States.ALL'], resultPath: '$.failure' });

    take.next(whenHeld);
    takeOver.next(whenHeld);
    read.next(held);
    // Let go of between our write and our read: try again.
    held.when(Condition.isPresent('$.lock.Item.holder.S'), describe).otherwise(take);
    describe.next(running);
    running.when(Condition.stringEquals('$.lockHolder.status', 'RUNNING'), busy).otherwise(takeOver);
    return take;
  }

  /**
   * A state of a Distributed Map's child execution that takes the lock, or keeps it, for the
   * parent execution whose ARN is at `holderPath` (passed in by the Map's ItemSelector): on
   * condition that the lock is free or the parent holds it already. A shard redriven after
   * another execution took the lock over (the parent had failed) fails here
   * (DynamoDB.ConditionalCheckFailedException) instead of running beside that execution.
   */
  holdFor(id: string, holderPath: string): CustomState {
    const hold = this.update(id, 'attribute_not_exists(#holder) OR #holder = :me', {}, holderPath);
    hold.addRetry({ errors: DYNAMODB_TRANSIENT, maxAttempts: 4 });
    return hold;
  }

  /** A state that lets go of the lock if this execution still holds it, then goes on. */
  release(id: string): CustomState {
    const release = this.dynamo(
      id,
      'deleteItem',
      {
        Key: this.key,
        ConditionExpression: '#holder = :me',
        ExpressionAttributeNames: { '#holder': 'holder' },
        ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
      },
      null,
    );
    release.addRetry({ errors: DYNAMODB_TRANSIENT, maxAttempts: 4 });
    return release;
  }

  private update(
    id: string,
    condition: string,
    values: Record<string, unknown>,
    holderPath = '$$.Execution.Id',
  ): CustomState {
    return this.dynamo(
      id,
      'updateItem',
      {
        Key: this.key,
        UpdateExpression: 'SET #holder = :me, #since = :now',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#holder': 'holder', '#since': 'since' },
        ExpressionAttributeValues: {
          ':me': { 'S.$': holderPath },
          ':now': { 'S.$': '$$.State.EnteredTime' },
          ...values,
        },
      },
      null,
    );
  }

  // The optimized DynamoDB integration written out, rather than the CDK's Dynamo* tasks, which
  // grant their actions on the whole table: this role may touch the lock item only.
  private dynamo(
    id: string,
    action: 'updateItem' | 'getItem' | 'deleteItem',
    parameters: Record<string, unknown>,
    resultPath: string | null,
  ): CustomState {
    return new CustomState(this, id, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::dynamodb:${action}`,
        Parameters: { TableName: this.props.table.tableName, ...parameters },
        ResultPath: resultPath,
      },
    });
  }
}
