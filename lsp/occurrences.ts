// What the language server knows about one name in the text: where it is, which symbol it
// stands for (a key shared by every occurrence of the same symbol, across files), where that
// symbol is declared and what a hover on it says.
import type { Span } from '../grammar/ast.js';

export type SymbolKind = 'table' | 'column' | 'relation' | 'target' | 'alias' | 'attribute' | 'function' | 'import';

export interface Occurrence {
  kind: SymbolKind;
  /** `column:orders.order_date`, `alias:file:offset`…: equal keys name the same symbol. */
  key: string;
  span: Span;
  /** The name's declaration; null for functions (built in). For imports, the imported file's start. */
  declaration: Span | null;
  /** This occurrence is the declaration itself. */
  isDeclaration: boolean;
  /** The hover text, markdown. */
  hover: string;
}

export const symbolKey = {
  table: (name: string) => `table:${name}`,
  column: (table: string, column: string) => `column:${table}.${column}`,
  relation: (table: string, name: string) => `relation:${table}.${name}`,
  target: (name: string) => `target:${name}`,
  alias: (decl: Span) => `alias:${decl.file}:${decl.offset}`,
  attribute: (decl: Span) => `attribute:${decl.file}:${decl.offset}`,
  function: (name: string) => `function:${name}`,
  import: (file: string) => `import:${file}`,
};

/** Whether an offset falls on a span (its end included, where a cursor after the name stands). */
export function covers(span: Span, offset: number): boolean {
  return span.offset <= offset && offset <= span.endOffset;
}
