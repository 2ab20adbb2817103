// DynamoDB's rule for table names: 3 to 255 characters of letters, digits, `_`, `.` and `-`.
// Checked where a name is chosen (the compiler for target names, the command line for
// --table, --tables and --control-table), so a bad one is refused before DynamoDB is called,
// instead of surfacing later as a table that "does not fit".

export const TABLE_NAME_RULE = '3 to 255 characters of letters, digits, `_`, `.` and `-`';

/** Why `name` cannot be a DynamoDB table name, or null when it can. */
export function tableNameProblem(name: string): string | null {
  if (name.length < 3)
    return `is ${name.length} character${name.length === 1 ? '' : 's'} long; DynamoDB table names are ${TABLE_NAME_RULE}`;
  if (name.length > 255) return `is ${name.length} characters long; DynamoDB table names are ${TABLE_NAME_RULE}`;
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) return `contains ${JSON.stringify(bad[0])}; DynamoDB table names are ${TABLE_NAME_RULE}`;
  return null;
}
