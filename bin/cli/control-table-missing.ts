// The message for a command that reads the control table when there is none.

/** The message when `error` says the control table does not exist; null for any other error. */
export function controlTableMissing(error: unknown, tableName: string): string | null {
  if ((error as Error)?.name !== 'ResourceNotFoundException') return null;
  return (
    `the control table ${tableName} does not exist, so no incremental run has recorded anything in it: ` +
    'check --control-table, --endpoint and --region (mapc init creates it)'
  );
}
