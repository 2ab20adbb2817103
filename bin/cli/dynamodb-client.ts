// The DynamoDB connection the options of dynamodb-options.ts make (default credential chain,
// --region, --endpoint), with the control table's name and the target bindings; and what a
// command says when that DynamoDB does not answer or has no control table.
import { withConnectionCause } from '../../runtime/dynamodb/connection-error.js';
import { connectDynamoDb, type DynamoDbConnection } from '../../runtime/dynamodb/dynamodb-connection.js';
import { checkEndpoints } from './checked-flags.js';
import { controlTableMissing } from './control-table-missing.js';
import { checkControlTableName, tableBindings, type BindingOptions } from './dynamodb-options.js';

export type DynamoDbSettings = DynamoDbConnection;

export function dynamoDbSettings(
  values: { region?: string; endpoint?: string; 'control-table'?: string } & BindingOptions,
): DynamoDbSettings {
  checkControlTableName(values['control-table']);
  checkEndpoints(values);
  return connectDynamoDb({
    region: values.region,
    endpoint: values.endpoint,
    controlTable: values['control-table'],
    tables: tableBindings(values),
  });
}

/**
 * `error` as a command shows it: a DynamoDB that does not answer, named with its endpoint and
 * the flags that chose it; a control table that does not exist, with what to do; anything
 * else as it is.
 */
export function dynamoDbFailure(error: unknown, settings: DynamoDbSettings): unknown {
  const missing = controlTableMissing(error, settings.controlTable);
  return missing === null ? withConnectionCause(error, settings.location) : new Error(missing, { cause: error });
}
