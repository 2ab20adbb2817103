import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CODES } from '../../compiler/diagnostics/codes.js';

describe('docs/diagnostics.md', () => {
  it('lists every code with its severity and title', () => {
    const doc = readFileSync('docs/diagnostics.md', 'utf8');
    for (const [code, info] of Object.entries(CODES)) {
      expect(doc, code).to.contain(`| ${code} | ${info.severity} | ${info.title} |`);
    }
  });
});
