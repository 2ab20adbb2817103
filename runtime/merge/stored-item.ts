// An item as an earlier run wrote it, read back into the runtime's item model with the types
// the plan gives its attributes, so merged elements sort, filter and aggregate like new ones.
import {
  fieldOf,
  isItemObject,
  itemObject,
  itemShape,
  type ItemObject,
  type ItemShape,
  type ItemValue,
} from '../eval/item-value.js';
import type { PlanItem, PlanObject, PlanValue } from '../plan/types.js';
import { decodeValue, StoredValueError } from './stored-values.js';

/** Reads a stored item (as a store gives it back, state-store.ts) into the item model. */
export function storedItemReader(item: PlanItem): (stored: ItemObject) => ItemObject {
  const shapes = new Map<PlanObject, ItemShape>();
  const shapeOf = (object: PlanObject, extra: string[] = []) => {
    let shape = shapes.get(object);
    if (!shape) {
      shape = itemShape([
        ...object.fields.map((f) => f.name),
        ...extra.filter((n) => !object.fields.some((f) => f.name === n)),
      ]);
      shapes.set(object, shape);
    }
    return shape;
  };

  const readValue = (plan: PlanValue, stored: ItemValue, where: string): ItemValue => {
    if (plan.kind === 'expr') return decodeValue(plan.expr.type, stored, where);
    if (stored === null) return null;
    if (plan.kind === 'object') {
      if (!isItemObject(stored)) throw new StoredValueError(`${where}: stored value is not a map`);
      return readObject(plan, stored, where);
    }
    if (!Array.isArray(stored)) throw new StoredValueError(`${where}: stored value is not a list`);
    return stored.map((element, i) => {
      if (!isItemObject(element)) throw new StoredValueError(`${where}[${i}]: stored element is not a map`);
      return readObject(plan.element, element, `${where}[${i}]`);
    });
  };

  const readObject = (plan: PlanObject, stored: ItemObject, where: string, extra: string[] = []): ItemObject => {
    const object = itemObject(shapeOf(plan, extra));
    plan.fields.forEach((field, i) => {
      const value = fieldOf(stored, field.name);
      if (value !== undefined)
        object.values[i] = readValue(field.value, value, where ? `${where}.${field.name}` : field.name);
    });
    return object;
  };

  const ttl = item.ttl?.attribute;
  return (stored) => {
    const object = readObject(item.shape, stored, '', ttl ? [ttl] : []);
    const storedTtl = ttl === undefined ? undefined : fieldOf(stored, ttl);
    if (storedTtl !== undefined) object.values[object.shape.index.get(ttl!)!] = decodeValue('int', storedTtl, ttl!);
    return object;
  };
}
