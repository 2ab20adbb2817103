// The DynamoDB connection the options of dynamodb-options.ts make (default credential chain,
// --region, --endpoint), with the control table's name and the target bindings.
import { connectDynamoDb, type DynamoDbConnection } from '../../runtime/dynamodb/dynamodb-connection.js';
import { checkControlTableName, tableBindings, type BindingOptions } from './dynamodb-options.js';

export type DynamoDbSettings = DynamoDbConnection;

export function dynamoDbSettings(values: { region?: string; endpoint?: string; 'control-table'?: string } & BindingOptions): DynamoDbSettings {
  checkControlTableName(values['control-table']);
  return connectDynamoDb({ region: values.region, endpoint: values.endpoint, controlTable: values['control-table'], tables: tableBindings(values) });
}
