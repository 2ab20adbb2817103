// The .map grammar as a Chevrotain CstParser. Syntax only: meaning is built by cst-to-ast.ts.
// One instance is built at load time and reused for every file (`parser.input = tokens`).
import type { IToken } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import * as t from './tokens.js';
import { syntaxErrorMessages } from './syntax-error-messages.js';

const k = t.keywords;

export class MapParser extends CstParser {
  constructor() {
    super(t.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      errorMessageProvider: syntaxErrorMessages,
    });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.mappingDecl) },
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.tableDecl) },
        { ALT: () => this.SUBRULE(this.targetDecl) },
        { ALT: () => this.SUBRULE(this.itemDecl) },
      ]);
    });
  });

  private name = this.RULE('name', () => {
    this.OR([{ ALT: () => this.CONSUME(t.Identifier) }, { ALT: () => this.CONSUME(t.QuotedIdentifier) }]);
  });

  private mappingDecl = this.RULE('mappingDecl', () => {
    this.CONSUME(k.mapping);
    this.SUBRULE(this.name);
  });

  private importDecl = this.RULE('importDecl', () => {
    this.CONSUME(k.import);
    this.CONSUME(t.StringLiteral);
  });

  private tableDecl = this.RULE('tableDecl', () => {
    this.CONSUME(k.table);
    this.SUBRULE(this.name);
    this.CONSUME(k.from);
    this.CONSUME(t.StringLiteral);
    this.OPTION(() => this.CONSUME(k.optional));
    this.CONSUME(t.LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.formatBlock) },
        { ALT: () => this.SUBRULE(this.compositeKey) },
        { ALT: () => this.SUBRULE(this.columnDecl) },
      ]);
    });
    this.CONSUME(t.RBrace);
  });

  private formatBlock = this.RULE('formatBlock', () => {
    this.CONSUME(k.format);
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.formatOption));
    this.CONSUME(t.RBrace);
  });

  private formatOption = this.RULE('formatOption', () => {
    this.OR1([
      { ALT: () => this.SUBRULE(this.name) },
      { ALT: () => this.CONSUME(k.header, { LABEL: 'keywordOption' }) },
      { ALT: () => this.CONSUME(k.null, { LABEL: 'keywordOption' }) },
    ]);
    this.CONSUME(t.Assign);
    this.OR([
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      { ALT: () => this.CONSUME(k.true) },
      { ALT: () => this.CONSUME(k.false) },
      {
        ALT: () => {
          this.CONSUME(t.LBracket);
          this.MANY_SEP({ SEP: t.Comma, DEF: () => this.CONSUME2(t.StringLiteral) });
          this.CONSUME(t.RBracket);
        },
      },
    ]);
  });

  private compositeKey = this.RULE('compositeKey', () => {
    this.CONSUME(k.key);
    this.CONSUME(t.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.name) });
    this.CONSUME(t.RParen);
  });

  private columnDecl = this.RULE('columnDecl', () => {
    this.SUBRULE(this.name);
    this.SUBRULE2(this.name, { LABEL: 'type' });
    this.OPTION(() => this.CONSUME(t.Question));
    // `key (a, b)` on the next line is the table's composite key, not this column's.
    const notCompositeKey = () => !(this.LA(1).tokenType === k.key && this.LA(2).tokenType === t.LParen);
    this.MANY({
      GATE: notCompositeKey,
      DEF: () =>
        this.OR([
          { ALT: () => this.CONSUME(k.key) },
          { ALT: () => this.SUBRULE(this.reference) },
          {
            ALT: () => {
              this.CONSUME(k.header);
              this.CONSUME(t.StringLiteral);
            },
          },
        ]),
    });
  });

  private reference = this.RULE('reference', () => {
    this.CONSUME(t.Arrow);
    this.SUBRULE(this.name, { LABEL: 'target' });
    this.OPTION(() => {
      this.CONSUME(k.as);
      this.SUBRULE2(this.name, { LABEL: 'as' });
    });
    this.OPTION2(() => {
      this.CONSUME(k.inverse);
      this.SUBRULE3(this.name, { LABEL: 'inverse' });
    });
  });

  private targetDecl = this.RULE('targetDecl', () => {
    this.CONSUME(k.target);
    this.SUBRULE(this.name);
    this.CONSUME(t.LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(k.partition);
            this.CONSUME(k.key);
            this.SUBRULE2(this.name, { LABEL: 'partitionKey' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(k.sort);
            this.CONSUME2(k.key);
            this.SUBRULE3(this.name, { LABEL: 'sortKey' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(k.ttl);
            this.SUBRULE4(this.name, { LABEL: 'ttlAttribute' });
          },
        },
      ]);
    });
    this.CONSUME(t.RBrace);
  });

  private itemDecl = this.RULE('itemDecl', () => {
    this.CONSUME(k.item);
    this.SUBRULE(this.name);
    this.CONSUME(k.into);
    this.SUBRULE2(this.name, { LABEL: 'target' });
    this.CONSUME(t.LBrace);
    this.CONSUME(k.from);
    this.SUBRULE3(this.name, { LABEL: 'rootTable' });
    this.CONSUME(k.as);
    this.SUBRULE4(this.name, { LABEL: 'rootAlias' });
    this.OPTION(() => {
      this.CONSUME(k.where);
      this.SUBRULE(this.expression, { LABEL: 'filter' });
    });
    this.MANY(() => this.SUBRULE(this.member));
    this.CONSUME(t.RBrace);
  });

  private member = this.RULE('member', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.attribute) },
      { ALT: () => this.SUBRULE(this.keepClause) },
      { ALT: () => this.SUBRULE(this.requireClause) },
      { ALT: () => this.SUBRULE(this.ttlClause) },
    ]);
  });

  private attribute = this.RULE('attribute', () => {
    this.SUBRULE(this.name);
    this.CONSUME(t.Assign);
    this.OR([
      { ALT: () => this.SUBRULE(this.eachValue) },
      { ALT: () => this.SUBRULE(this.objectValue) },
      { ALT: () => this.SUBRULE(this.expression, { LABEL: 'value' }) },
    ]);
    this.OPTION(() => {
      this.CONSUME(k.when);
      this.SUBRULE2(this.expression, { LABEL: 'when' });
    });
  });

  private objectValue = this.RULE('objectValue', () => {
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.member));
    this.CONSUME(t.RBrace);
  });

  private eachValue = this.RULE('eachValue', () => {
    this.CONSUME(k.each);
    this.SUBRULE(this.name, { LABEL: 'alias' });
    this.CONSUME(k.in);
    this.SUBRULE(this.path, { LABEL: 'source' });
    this.OPTION(() => {
      this.CONSUME(k.where);
      this.SUBRULE(this.expression, { LABEL: 'filter' });
    });
    this.OPTION2(() => {
      this.CONSUME(k.order);
      this.CONSUME(k.by);
      this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.orderTerm) });
    });
    this.OPTION3(() => {
      this.CONSUME(k.limit);
      this.CONSUME(t.NumberLiteral, { LABEL: 'limit' });
    });
    this.SUBRULE(this.objectValue, { LABEL: 'element' });
  });

  private orderTerm = this.RULE('orderTerm', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(k.asc) }, { ALT: () => this.CONSUME(k.desc) }]);
    });
  });

  private keepClause = this.RULE('keepClause', () => {
    this.CONSUME(k.keep);
    this.SUBRULE(this.name);
    this.CONSUME(k.where);
    this.SUBRULE(this.expression);
  });

  private requireClause = this.RULE('requireClause', () => {
    this.CONSUME(k.require);
    this.SUBRULE(this.expression);
  });

  private ttlClause = this.RULE('ttlClause', () => {
    this.CONSUME(k.ttl);
    this.CONSUME(t.Assign);
    this.SUBRULE(this.expression);
  });

  // Expressions, loosest binding first.
  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(k.or, { LABEL: 'operators' });
      this.SUBRULE2(this.andExpr, { LABEL: 'operands' });
    });
  });

  private andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(k.and, { LABEL: 'operators' });
      this.SUBRULE2(this.notExpr, { LABEL: 'operands' });
    });
  });

  private notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(k.not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive, { LABEL: 'operands' });
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(t.Eq, { LABEL: 'operator' }) },
              { ALT: () => this.CONSUME(t.NotEq, { LABEL: 'operator' }) },
              { ALT: () => this.CONSUME(t.LessEq, { LABEL: 'operator' }) },
              { ALT: () => this.CONSUME(t.GreaterEq, { LABEL: 'operator' }) },
              { ALT: () => this.CONSUME(t.Less, { LABEL: 'operator' }) },
              { ALT: () => this.CONSUME(t.Greater, { LABEL: 'operator' }) },
            ]);
            this.SUBRULE2(this.additive, { LABEL: 'operands' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(k.is);
            this.OPTION2(() => this.CONSUME(k.not));
            this.CONSUME(k.null);
          },
        },
      ]);
    });
  });

  private additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(t.Plus, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(t.Minus, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operands' });
    });
  });

  private multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(t.Star, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(t.Slash, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(t.Percent, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  private unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.numberOrDuration) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(k.true) },
      { ALT: () => this.CONSUME(k.false) },
      { ALT: () => this.CONSUME(k.null) },
      { ALT: () => this.CONSUME(k.as_of) },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { ALT: () => this.SUBRULE(this.castExpr) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.path) },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(t.RParen);
        },
      },
    ]);
  });

  private numberOrDuration = this.RULE('numberOrDuration', () => {
    this.CONSUME(t.NumberLiteral);
    // A unit is an ordinary word after a number (`9 months`), so columns may still be named `month`;
    // `days = 3` on the next line is an attribute, not a unit.
    this.OPTION({
      GATE: () => this.LA(1).image in t.DURATION_UNITS && this.LA(2).tokenType !== t.Assign,
      DEF: () => this.CONSUME(t.Identifier, { LABEL: 'unit' }),
    });
  });

  private call = this.RULE('call', () => {
    this.CONSUME(t.Identifier, { LABEL: 'callee' });
    this.CONSUME(t.LParen);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: 'args' }) });
    this.CONSUME(t.RParen);
  });

  private castExpr = this.RULE('castExpr', () => {
    this.CONSUME(k.cast);
    this.CONSUME(t.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(k.as);
    this.SUBRULE(this.name, { LABEL: 'type' });
    this.CONSUME(t.RParen);
  });

  private caseExpr = this.RULE('caseExpr', () => {
    this.CONSUME(k.case);
    this.AT_LEAST_ONE(() => {
      this.CONSUME(k.when);
      this.SUBRULE(this.expression, { LABEL: 'conditions' });
      this.CONSUME(k.then);
      this.SUBRULE2(this.expression, { LABEL: 'results' });
    });
    this.OPTION(() => {
      this.CONSUME(k.else);
      this.SUBRULE3(this.expression, { LABEL: 'otherwise' });
    });
    this.CONSUME(k.end);
  });

  public path = this.RULE('path', () => {
    this.SUBRULE(this.name, { LABEL: 'segments' });
    this.MANY(() => {
      this.CONSUME(t.Dot);
      this.SUBRULE2(this.name, { LABEL: 'segments' });
    });
  });
}

export const mapParser = new MapParser();

export type { IToken };
