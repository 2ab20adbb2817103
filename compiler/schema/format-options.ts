// Per-table file format options: defaults, accepted names and value checks.
import type { FormatOption } from '../../grammar/ast.js';
import type { PlanFormat } from '../../runtime/plan/types.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { suggestion } from '../diagnostics/did-you-mean.js';

export const DEFAULT_FORMAT: PlanFormat = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  trailingDelimiter: false,
  encoding: 'utf-8',
  nullTokens: [''],
  dateFormat: '%Y-%m-%d',
  timestampFormat: '%Y-%m-%dT%H:%M:%S',
};

type Setter = (format: PlanFormat, option: FormatOption) => string | null;

function oneCharacter(key: 'delimiter' | 'quote' | 'escape'): Setter {
  return (format, { value }) => {
    if (value.kind !== 'string' || [...value.value].length !== 1) return 'must be a string of one character, e.g. "|"';
    format[key] = value.value;
    return null;
  };
}

function flag(key: 'header' | 'trailingDelimiter'): Setter {
  return (format, { value }) => {
    if (value.kind !== 'bool') return 'must be true or false';
    format[key] = value.value;
    return null;
  };
}

function pattern(key: 'dateFormat' | 'timestampFormat', example: string): Setter {
  return (format, { value }) => {
    if (value.kind !== 'string' || !/%[YmdHMSf]/.test(value.value))
      return `must be a pattern with %Y %m %d %H %M %S %f, e.g. "${example}"`;
    const unknown = value.value.match(/%[^YmdHMSf%]/);
    if (unknown) return `has unknown field \`${unknown[0]}\` (known: %Y %m %d %H %M %S %f %%)`;
    format[key] = value.value;
    return null;
  };
}

const SETTERS: Record<string, Setter> = {
  delimiter: oneCharacter('delimiter'),
  quote: oneCharacter('quote'),
  escape: oneCharacter('escape'),
  header: flag('header'),
  trailing_delimiter: flag('trailingDelimiter'),
  encoding: (format, { value }) => {
    if (value.kind !== 'string' || !['utf-8', 'latin1'].includes(value.value.toLowerCase()))
      return 'must be "utf-8" or "latin1"';
    format.encoding = value.value.toLowerCase() as PlanFormat['encoding'];
    return null;
  },
  null: (format, { value }) => {
    if (value.kind === 'string') format.nullTokens = [value.value];
    else if (value.kind === 'list') format.nullTokens = value.values;
    else return 'must be a string or a list of strings, e.g. ["", "NULL"]';
    return null;
  },
  date_format: pattern('dateFormat', '%d/%m/%Y'),
  timestamp_format: pattern('timestampFormat', '%Y-%m-%dT%H:%M:%S'),
};

export function buildFormat(options: FormatOption[], sink: DiagnosticSink): PlanFormat {
  const format: PlanFormat = { ...DEFAULT_FORMAT, nullTokens: [...DEFAULT_FORMAT.nullTokens] };
  for (const option of options) {
    const setter = SETTERS[option.name.text];
    if (!setter) {
      sink.report('MAP0106', option.name.span, {
        detail: `unknown format option \`${option.name.text}\``,
        hint: `options: ${Object.keys(SETTERS).join(', ')}`,
        ...suggestion(option.name.text, Object.keys(SETTERS)),
      });
      continue;
    }
    const problem = setter(format, option);
    if (problem) sink.report('MAP0106', option.span, { detail: `format option \`${option.name.text}\` ${problem}` });
  }
  return format;
}
