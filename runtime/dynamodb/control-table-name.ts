// The control table's default name, apart from control-table.ts so that naming it in options
// and usage text does not load the AWS SDK.
export const DEFAULT_CONTROL_TABLE = 'mapc_control';
