// An item as an earlier run wrote it, read back into the runtime's item model with the types
// the plan gives its attributes, so merged elements sort, filter and aggregate like new ones.
import { itemObject, itemShape, type ItemObject, type ItemShape, type ItemValue } from '../eval/item-value.js';
import type { PlanItem, PlanObject, PlanValue } from '../plan/types.js';
import type { AttributeValue } from '../sinks/dynamodb-json.js';
import type { StoredAttributes } from './state-store.js';
import { decodeValue, StoredValueError } from './stored-values.js';

export function storedItemReader(item: PlanItem): (attributes: StoredAttributes) => ItemObject {
  const shapes = new Map<PlanObject, ItemShape>();
  const shapeOf = (object: PlanObject, extra: string[] = []) => {
    let shape = shapes.get(object);
    if (!shape) {
      shape = itemShape([...object.fields.map((f) => f.name), ...extra.filter((n) => !object.fields.some((f) => f.name === n))]);
      shapes.set(object, shape);
    }
    return shape;
  };

  const readValue = (plan: PlanValue, stored: AttributeValue, where: string): ItemValue => {
    if (plan.kind === 'expr') return decodeValue(plan.expr.type, stored, where);
    if ('NULL' in stored) return null;
    if (plan.kind === 'object') {
      if (!('M' in stored)) throw new StoredValueError(`${where}: stored value is not a map`);
      return readObject(plan, stored.M, where);
    }
    if (!('L' in stored)) throw new StoredValueError(`${where}: stored value is not a list`);
    return stored.L.map((element, i) => {
      if (!('M' in element)) throw new StoredValueError(`${where}[${i}]: stored element is not a map`);
      return readObject(plan.element, element.M, `${where}[${i}]`);
    });
  };

  const readObject = (plan: PlanObject, stored: StoredAttributes, where: string, extra: string[] = []): ItemObject => {
    const object = itemObject(shapeOf(plan, extra));
    plan.fields.forEach((field, i) => {
      const value = stored[field.name];
      if (value !== undefined) object.values[i] = readValue(field.value, value, where ? `${where}.${field.name}` : field.name);
    });
    return object;
  };

  const ttl = item.ttl?.attribute;
  return (attributes) => {
    const object = readObject(item.shape, attributes, '', ttl ? [ttl] : []);
    if (ttl !== undefined && attributes[ttl] !== undefined) object.values[object.shape.index.get(ttl)!] = decodeValue('int', attributes[ttl], ttl);
    return object;
  };
}
