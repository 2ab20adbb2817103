// Completion from the tokens before the cursor, Chevrotain's content assist (which tokens the
// grammar allows next) and the scope the semantic index recorded there:
//   alias.            columns and relationships of the row's table (through lookups)
//   collection.       attributes of its elements (inside aggregates: sum(lines.amount))
//   from, ->          table names;  into: targets;  in: row aliases;  keep: collections
//   an expression     row aliases, attributes, functions and the keywords that may follow
//   elsewhere         the keywords the grammar allows there; column types in a table
import type { IToken, TokenType } from 'chevrotain';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { DiagnosticSink } from '../compiler/diagnostics/diagnostic.js';
import { AGGREGATES } from '../compiler/items/functions.js';
import { resolvePath } from '../compiler/items/resolve-path.js';
import type { ObjectShape } from '../compiler/items/typed.js';
import type { Schema, TableInfo } from '../compiler/schema/schema.js';
import { COLUMN_TYPES, type Name, type PathExpr, type Span } from '../grammar/ast.js';
import { mapParser } from '../grammar/parser.js';
import { mapLexer } from '../grammar/tokens.js';
import type { Analysis } from './analysis.js';
import { directionOf, relationTarget } from './describe.js';
import { FUNCTION_DOCS } from './function-docs.js';
import type { ScopeRegion } from './semantic-index.js';

const TOP_LEVEL = new Set(['Kw_mapping', 'Kw_import', 'Kw_table', 'Kw_target', 'Kw_item']);
const NAMES = new Set(['Identifier', 'QuotedIdentifier']);
/** Tokens that can only begin an expression: where one is allowed, an expression may start. */
const EXPRESSION_STARTS = new Set(['Kw_case', 'Kw_not', 'Kw_as_of', 'NumberLiteral']);
const isWord = (token: IToken) => NAMES.has(token.tokenType.name) || token.tokenType.name.startsWith('Kw_');
const nameText = (token: IToken) => token.image.replace(/^`|`$/g, '');

function innermostScope(scopes: ScopeRegion[], offset: number): ScopeRegion | null {
  let best: ScopeRegion | null = null;
  for (const s of scopes)
    if (s.start <= offset && offset <= s.end && (!best || s.end - s.start <= best.end - best.start)) best = s;
  return best;
}

function tableMembers(table: TableInfo): CompletionItem[] {
  return [
    ...[...table.columns.values()].map((c) => ({
      label: c.name,
      kind: CompletionItemKind.Field,
      detail: `${c.type}${c.nullable ? '?' : ''} · column of ${table.name}`,
    })),
    ...[...table.relations.values()].map((r) => ({
      label: r.name,
      kind: CompletionItemKind.Reference,
      detail: `${directionOf(r)} → ${relationTarget(r)}`,
    })),
  ];
}

function attributes(shape: ObjectShape | null, onlyLists = false): CompletionItem[] {
  return [...(shape?.attrs.values() ?? [])]
    .filter((a) => !onlyLists || a.type === 'list')
    .map((a) => ({
      label: a.name,
      kind: CompletionItemKind.Property,
      detail: a.type === 'list' ? 'list of objects' : `${a.type}${a.nullable ? '?' : ''} · attribute`,
    }));
}

/** Which kind of block encloses the end of `tokens`: table, format, target, item or object. */
function enclosingBlock(tokens: IToken[]): string | null {
  const stack: string[] = [];
  let declaration = '';
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i].tokenType.name;
    if (stack.length === 0 && TOP_LEVEL.has(type)) declaration = type.slice(3);
    if (type === 'LBrace')
      stack.push(
        stack.length === 0 ? declaration : tokens[i - 1]?.tokenType.name === 'Kw_format' ? 'format' : 'object',
      );
    if (type === 'RBrace') stack.pop();
  }
  return stack.at(-1) ?? null;
}

/** The tokens of the declaration the cursor is in: content assist needs no more. */
function currentDeclaration(tokens: IToken[]): IToken[] {
  let depth = 0;
  let start = 0;
  tokens.forEach((token, i) => {
    const type = token.tokenType.name;
    if (type === 'LBrace') depth += 1;
    if (type === 'RBrace') depth = Math.max(0, depth - 1);
    if (depth === 0 && TOP_LEVEL.has(type)) start = i;
  });
  return tokens.slice(start);
}

function nextTokenTypes(tokens: IToken[]): TokenType[] {
  try {
    return [...new Set(mapParser.computeContentAssist('file', currentDeclaration(tokens)).map((p) => p.nextTokenType))];
  } catch {
    return [];
  }
}

/** The names before a trailing `.`: `o.order_lines.` gives [o, order_lines]. */
function pathBeforeDot(tokens: IToken[]): string[] {
  const names: string[] = [];
  let i = tokens.length - 1;
  while (i >= 1 && tokens[i].tokenType.name === 'Dot' && NAMES.has(tokens[i - 1].tokenType.name)) {
    names.unshift(nameText(tokens[i - 1]));
    i -= 2;
  }
  return names;
}

function afterDot(names: string[], scope: ScopeRegion | null, schema: Schema): CompletionItem[] {
  if (!scope || names.length === 0) return [];
  const span: Span = { file: '', line: 1, column: 1, offset: 0, endOffset: 0 };
  const path: PathExpr = { kind: 'Path', segments: names.map((text): Name => ({ text, span })), span };
  const resolved = resolvePath(
    path,
    { rows: scope.rows, attrs: scope.attrs, later: new Set(), attributesOnly: null },
    schema,
    new DiagnosticSink(),
  );
  if (resolved.kind === 'row') return tableMembers(resolved.table);
  if (resolved.kind === 'attr') return attributes(resolved.attr.shape);
  return [];
}

/** Inside `sum(`, `count(`…: the innermost open bracket follows an aggregate's name. */
function insideAggregate(tokens: IToken[]): boolean {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i].tokenType.name;
    if (type === 'RParen') depth += 1;
    if (type === 'LParen') {
      if (depth === 0) return (AGGREGATES as readonly string[]).includes(tokens[i - 1]?.image ?? '');
      depth -= 1;
    }
  }
  return false;
}

function inCommentOrString(text: string, offset: number): boolean {
  const lexed = mapLexer.tokenize(text.slice(0, offset));
  const comments = lexed.groups.comments ?? [];
  const lastComment = comments.at(-1);
  if (lastComment && !text.slice(lastComment.startOffset, offset).includes('\n')) return true;
  const last = lexed.tokens.at(-1);
  return last !== undefined && last.tokenType.name === 'UnterminatedString';
}

export function completionAt(analysis: Analysis, text: string, offset: number): CompletionItem[] {
  if (inCommentOrString(text, offset)) return [];
  let tokens = mapLexer.tokenize(text.slice(0, offset)).tokens;
  const last = tokens.at(-1);
  // A word being typed: complete in the place where it stands.
  if (last && isWord(last) && (last.endOffset ?? 0) + 1 === offset) tokens = tokens.slice(0, -1);
  const previous = tokens.at(-1)?.tokenType.name;
  const schema = analysis.schema;
  const scope = innermostScope(analysis.index.scopes, offset);
  if (!schema) return [];

  if (previous === 'Dot') return afterDot(pathBeforeDot(tokens), scope, schema);

  const next = nextTokenTypes(tokens);
  const names = next.some((t) => NAMES.has(t.name));
  const keywords: CompletionItem[] = next
    .filter((t) => t.name.startsWith('Kw_'))
    .map((t) => ({ label: t.name.slice(3), kind: CompletionItemKind.Keyword }));
  const tables = () =>
    [...schema.tables.values()].map((t) => ({
      label: t.name,
      kind: CompletionItemKind.Class,
      detail: `table from "${t.pattern}"`,
    }));

  if (previous === 'Arrow' || (previous === 'Kw_from' && names)) return tables();
  if (previous === 'Kw_into')
    return [...schema.targets.values()].map((t) => ({
      label: t.name,
      kind: CompletionItemKind.Module,
      detail: 'target',
    }));
  if (previous === 'Kw_keep') return attributes(scope?.attrs ?? null, true);
  const rows = (scope?.rows ?? []).map((r) => ({
    label: r.alias,
    kind: CompletionItemKind.Variable,
    detail: `a row of ${r.table.name}`,
  }));
  if (previous === 'Kw_in') return rows;

  const block = enclosingBlock(tokens);
  if (block === 'table' && names && next.every((t) => NAMES.has(t.name))) {
    return COLUMN_TYPES.map((type) => ({ label: type, kind: CompletionItemKind.TypeParameter }));
  }
  if (insideAggregate(tokens) && names) return attributes(scope?.attrs ?? null, true);
  if (names && next.some((t) => EXPRESSION_STARTS.has(t.name))) {
    const functions = Object.entries(FUNCTION_DOCS).map(([label, doc]) => ({
      label,
      kind: CompletionItemKind.Function,
      detail: doc.signature,
      documentation: doc.doc,
    }));
    return [...rows, ...attributes(scope?.attrs ?? null), ...functions, ...keywords];
  }
  return keywords;
}
