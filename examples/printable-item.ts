// An item read from DynamoDB, printed as plain JSON with its numbers exactly as stored
// (JSON.parse-free: 12.5 stays 12.5, a 38-digit number keeps its digits).
type Attribute = {
  S?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: Attribute[];
  M?: Record<string, Attribute>;
};

export function printableItem(item: Record<string, Attribute>): string {
  // DynamoDB returns attributes in no particular order: the key first reads better.
  const { pk, sk, ...rest } = item;
  return objectText({ ...(pk ? { pk } : {}), ...(sk ? { sk } : {}), ...rest });
}

function objectText(object: Record<string, Attribute>): string {
  return `{${Object.entries(object)
    .map(([name, value]) => `${JSON.stringify(name)}:${valueText(value)}`)
    .join(',')}}`;
}

function valueText(value: Attribute): string {
  if (value.S !== undefined) return JSON.stringify(value.S);
  if (value.N !== undefined) return value.N;
  if (value.BOOL !== undefined) return String(value.BOOL);
  if (value.L !== undefined) return `[${value.L.map(valueText).join(',')}]`;
  if (value.M !== undefined) return objectText(value.M);
  return 'null';
}
