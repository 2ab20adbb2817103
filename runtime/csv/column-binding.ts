/*
 * Where each projected column sits in a file's records.
 *
 * With a header, columns are found BY NAME (PlanColumn.header), so the warehouse may reorder
 * its columns or add new ones without breaking a mapping: every declared header must be
 * present (a missing one stops the file with an error saying what to do), undeclared extra
 * columns are ignored, and each record must have as many fields as the header.
 * Without a header, columns are found BY POSITION in declared order, and each record must
 * have exactly as many fields as the table declares.
 */
import type { PlanTable } from '../plan/types.js';

export interface ColumnBinding {
  /** Field index of each projected column, in PlanTable.columns order. */
  fieldIndexes: number[];
  /** Fields every record must have (after a trailing delimiter is dropped). */
  expectedFieldCount: number;
  /** Why that many, for fault messages. */
  fieldCountOrigin: string;
  /** A name for each field position, for fault messages. */
  fieldNames: string[];
}

export function bindByPosition(table: PlanTable): ColumnBinding {
  return {
    fieldIndexes: table.columns.map((column) => column.position),
    expectedFieldCount: table.declaredHeaders.length,
    fieldCountOrigin: `as table ${table.name} declares`,
    fieldNames: table.declaredHeaders,
  };
}

export function bindByHeader(table: PlanTable, header: string[], file: string, headerLine: number): ColumnBinding {
  const indexByName = new Map<string, number>();
  const duplicates = new Set<string>();
  header.forEach((name, index) => {
    if (indexByName.has(name)) duplicates.add(name);
    else indexByName.set(name, index);
  });
  const required = [...new Set([...table.declaredHeaders, ...table.columns.map((column) => column.header)])];
  const missing = required.filter((name) => !indexByName.has(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new Error(
      `${file}:${headerLine}: the header has no column ${list} (declared by table ${table.name}). ` +
        `The header has: ${header.map(showInvisible).join(', ')}. Ask for the column in the extract, or if it has another name ` +
        `there, give that name with header "…" on the column in the mapping.`,
    );
  }
  const ambiguous = required.filter((name) => duplicates.has(name));
  if (ambiguous.length > 0) {
    throw new Error(
      `${file}:${headerLine}: the header has column ${ambiguous.map((name) => `"${showInvisible(name)}"`).join(', ')} more than once, so table ${table.name} cannot tell which to read; fix the extract`,
    );
  }
  return {
    fieldIndexes: table.columns.map((column) => indexByName.get(column.header) as number),
    expectedFieldCount: header.length,
    fieldCountOrigin: 'as the header has',
    fieldNames: header,
  };
}

/**
 * Characters a terminal shows as nothing (a second byte order mark, zero-width spaces, control
 * characters), as \uXXXX escapes: a header name holding one looks right when printed, yet
 * matches no column.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g;

export function showInvisible(name: string): string {
  return name.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
