// Decodes the text of a string literal: escapes, and `{expr}` parts when it is a template.

export type StringPiece =
  | { kind: 'text'; text: string }
  /** `index` is where `source` starts inside the literal's image (quotes included). */
  | { kind: 'expr'; source: string; index: number };

export interface StringProblem {
  message: string;
  index: number;
  length: number;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', '{': '{', '}': '}' };

export function decodeString(
  image: string,
  interpolate: boolean,
): { pieces: StringPiece[]; problems: StringProblem[] } {
  const pieces: StringPiece[] = [];
  const problems: StringProblem[] = [];
  const end = image.endsWith('"') && image.length > 1 ? image.length - 1 : image.length;
  let text = '';
  const flush = () => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 1; i < end; i++) {
    const ch = image[i];
    if (ch === '\\') {
      const next = image[i + 1];
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(image.slice(i + 2, i + 6))) {
        text += String.fromCharCode(parseInt(image.slice(i + 2, i + 6), 16));
        i += 5;
      } else if (next !== undefined && next in ESCAPES) {
        text += ESCAPES[next];
        i += 1;
      } else {
        problems.push({
          message: `unknown escape \`\\${next ?? ''}\` in a string (known: \\" \\\\ \\n \\t \\r \\{ \\} \\uXXXX)`,
          index: i,
          length: 2,
        });
        i += 1;
      }
    } else if (interpolate && ch === '{') {
      const close = image.indexOf('}', i + 1);
      if (close < 0 || close >= end) {
        problems.push({
          message:
            'a `{` in this string opens a template part that is never closed: add `}`, or write `\\{` for a brace',
          index: i,
          length: 1,
        });
        text += image.slice(i, end);
        break;
      }
      flush();
      const source = image.slice(i + 1, close);
      if (source.trim() === '')
        problems.push({
          message: 'empty `{}` in a template string: put an expression inside, or write `\\{\\}`',
          index: i,
          length: close - i + 1,
        });
      else pieces.push({ kind: 'expr', source, index: i + 1 });
      i = close;
    } else if (interpolate && ch === '}') {
      problems.push({ message: 'a `}` in this string closes nothing: write `\\}` for a brace', index: i, length: 1 });
    } else {
      text += ch;
    }
  }
  flush();
  return { pieces, problems };
}
