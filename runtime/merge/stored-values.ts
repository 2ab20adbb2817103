// Values as earlier runs stored them, read back with the type the plan gives them. A store
// gives values back in their stored form (state-store.ts): numbers as bigints or decimals
// (DynamoDB drops trailing zeros: 12.50 comes back as 12.5, the same number), dates and
// timestamps as the ISO text the sinks write.
import { isItemObject, type ItemValue } from '../eval/item-value.js';
import type { PlanTable, ValueType } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import { decimalFromInteger, decimalToString, dynamoNumberViolation } from '../values/decimal.js';
import { compileDateParser, compileTimestampParser } from '../values/datetime-format.js';
import type { Decimal, Value } from '../values/value.js';
import type { StoredValues } from './state-store.js';

const parseIsoDate = compileDateParser('%Y-%m-%d');
const parseIsoTimestamp = compileTimestampParser('%Y-%m-%dT%H:%M:%S.%fZ');

/** A stored value that does not read as the type the plan expects. */
export class StoredValueError extends Error {}

export function decodeValue(type: ValueType, stored: ItemValue, where: string): ItemValue {
  if (stored === null) return null;
  const fail = (): never => {
    throw new StoredValueError(
      `${where}: stored ${storedText(stored).slice(0, 80)} is not a ${type}; the mapping changed since it was stored — reload the history or undo the type change`,
    );
  };
  switch (type) {
    case 'string':
      return typeof stored === 'string' ? stored : fail();
    case 'bool':
      return typeof stored === 'boolean' ? stored : fail();
    case 'int':
      return typeof stored === 'bigint' ? stored : fail();
    case 'float': {
      if (typeof stored === 'number') return stored;
      if (typeof stored === 'bigint') return Number(stored);
      return isDecimal(stored) ? Number(decimalToString(stored)) : fail();
    }
    case 'decimal': {
      if (isDecimal(stored)) return stored;
      return typeof stored === 'bigint' && dynamoNumberViolation(stored, 0) === null
        ? decimalFromInteger(stored)
        : fail();
    }
    case 'date': {
      const parsed = typeof stored === 'string' ? parseIsoDate(stored) : null;
      return parsed?.ok ? parsed.value : fail();
    }
    case 'timestamp': {
      const parsed = typeof stored === 'string' ? parseIsoTimestamp(stored) : null;
      return parsed?.ok ? parsed.value : fail();
    }
    default:
      return untypedValue(stored);
  }
}

function isDecimal(value: ItemValue): value is Decimal {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'decimal';
}

/** A value whose type the plan does not pin down (lists of scalars): as it was stored. */
function untypedValue(stored: ItemValue): ItemValue {
  if (Array.isArray(stored)) return stored.map(untypedValue);
  if (isItemObject(stored)) throw new StoredValueError(`a stored map where the plan expects a plain value`);
  return stored;
}

/** A stored value in an error message, as DynamoDB JSON would show it. */
function storedText(stored: ItemValue): string {
  if (typeof stored === 'string') return `{"S":${JSON.stringify(stored)}}`;
  if (typeof stored === 'boolean') return `{"BOOL":${stored}}`;
  if (typeof stored === 'bigint' || typeof stored === 'number') return `{"N":"${stored}"}`;
  if (Array.isArray(stored)) return '{"L":[…]}';
  if (isItemObject(stored)) return '{"M":{…}}';
  if (isDecimal(stored)) return `{"N":"${decimalToString(stored)}"}`;
  return JSON.stringify(stored);
}

/** A row's projected columns by column name, as the state store keeps them. */
export function storedColumns(table: PlanTable, row: Row): StoredValues {
  const values: StoredValues = {};
  table.columns.forEach((column, i) => {
    values[column.name] = row[i];
  });
  return values;
}

export function decodeRow(table: PlanTable, values: StoredValues, where: string): Row {
  return table.columns.map((column) => {
    const stored = values[column.name];
    if (stored === undefined) {
      throw new StoredValueError(
        `${where}: the stored row has no column ${column.name}, which the mapping now reads; reload the history of ${table.name} with --force`,
      );
    }
    return decodeValue(column.type, stored, `${where}, column ${column.name}`) as Value;
  });
}
