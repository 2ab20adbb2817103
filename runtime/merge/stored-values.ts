// Values as earlier runs stored them in DynamoDB, read back with the type the plan gives them.
// DynamoDB keeps numbers as decimal text (it drops trailing zeros: 12.50 comes back as 12.5,
// the same number), dates and timestamps as the ISO text the sinks write.
import type { ItemValue } from '../eval/item-value.js';
import type { PlanTable, ValueType } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import { toAttributeValue, type AttributeValue } from '../sinks/dynamodb-json.js';
import { parseDecimal } from '../values/decimal.js';
import { compileDateParser, compileTimestampParser } from '../values/datetime-format.js';
import type { Value } from '../values/value.js';

const parseIsoDate = compileDateParser('%Y-%m-%d');
const parseIsoTimestamp = compileTimestampParser('%Y-%m-%dT%H:%M:%S.%fZ');

/** A stored value that does not read as the type the plan expects. */
export class StoredValueError extends Error {}

export function decodeValue(type: ValueType, attribute: AttributeValue, where: string): ItemValue {
  if ('NULL' in attribute) return null;
  const fail = (): never => {
    throw new StoredValueError(`${where}: stored ${JSON.stringify(attribute).slice(0, 80)} is not a ${type}; the mapping changed since it was stored — reload the history or undo the type change`);
  };
  switch (type) {
    case 'string': return 'S' in attribute ? attribute.S : fail();
    case 'bool': return 'BOOL' in attribute ? attribute.BOOL : fail();
    case 'int': return 'N' in attribute && /^-?\d+$/.test(attribute.N) ? BigInt(attribute.N) : fail();
    case 'float': return 'N' in attribute ? Number(attribute.N) : fail();
    case 'decimal': {
      const parsed = 'N' in attribute ? parseDecimal(attribute.N) : null;
      return parsed?.ok ? parsed.value : fail();
    }
    case 'date': {
      const parsed = 'S' in attribute ? parseIsoDate(attribute.S) : null;
      return parsed?.ok ? parsed.value : fail();
    }
    case 'timestamp': {
      const parsed = 'S' in attribute ? parseIsoTimestamp(attribute.S) : null;
      return parsed?.ok ? parsed.value : fail();
    }
    default: return untypedValue(attribute);
  }
}

/** A value whose type the plan does not pin down (lists of scalars): read by its form. */
function untypedValue(attribute: AttributeValue): ItemValue {
  if ('S' in attribute) return attribute.S;
  if ('BOOL' in attribute) return attribute.BOOL;
  if ('NULL' in attribute) return null;
  if ('N' in attribute) {
    if (/^-?\d+$/.test(attribute.N)) return BigInt(attribute.N);
    const parsed = parseDecimal(attribute.N);
    return parsed.ok ? parsed.value : Number(attribute.N);
  }
  if ('L' in attribute) return attribute.L.map(untypedValue);
  throw new StoredValueError(`a stored map where the plan expects a plain value`);
}

/** A row's projected columns as a DynamoDB map, by column name. */
export function encodeRow(table: PlanTable, row: Row): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  table.columns.forEach((column, i) => {
    attributes[column.name] = toAttributeValue(row[i]);
  });
  return attributes;
}

export function decodeRow(table: PlanTable, attributes: Record<string, AttributeValue>, where: string): Row {
  return table.columns.map((column) => {
    const stored = attributes[column.name];
    if (stored === undefined) {
      throw new StoredValueError(`${where}: the stored row has no column ${column.name}, which the mapping now reads; reload the history of ${table.name} with --force`);
    }
    return decodeValue(column.type, stored, `${where}, column ${column.name}`) as Value;
  });
}
