// containerd's filter language, its whole grammar (containerd's `filters` package):
//   selectors := selector ("," selector)*      — all must match (AND)
//   selector  := fieldpath [operator value]     — no operator: the field is present
//   fieldpath := field ("." field)*
//   field     := quoted | [A-Za-z0-9_-]+
//   operator  := "==" | "!=" | "~="
//   value     := quoted | any run of characters but "," and white space
//   quoted    := "…" | /…/ | |…|                — Go string escapes; `/` and `|` quote regexes
// Several filter strings in one request are OR-ed; an empty one matches everything.
import { invalidArgument, StackError } from '../errdefs.js';
import { goRegExp } from './go-regexp.js';

export type Operator = '==' | '!=' | '~=' | 'present';

export interface Selector {
  fieldpath: string[];
  operator: Operator;
  value: string;
  regex?: RegExp;
}

/** Returns a field's value, or undefined when the object has no such field. */
export type Adaptor = (fieldpath: string[]) => string | undefined;

export type Filter = (adaptor: Adaptor) => boolean;

// 'char': a character no token starts with; 'illegal': a malformed token (the scanner says why).
type TokenKind = 'eof' | 'quoted' | 'value' | 'field' | 'separator' | 'operator' | 'char' | 'illegal';

interface Token {
  kind: TokenKind;
  pos: number;
  text: string;
}

const QUOTES = '"/|';
const isSpace = (c: string) => /^\s$/u.test(c);
const isFieldChar = (c: string) => /^[A-Za-z0-9_-]$/.test(c);
// A value runs to the next comma or white space; control characters (NUL included) end it too.
const isValueChar = (c: string) => c !== ',' && !isSpace(c) && !/^\p{C}$/u.test(c);
const HEX = /^[0-9A-Fa-f]$/;
const OCT = /^[0-7]$/;
const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const DIGITS: Record<string, { n: number; re: RegExp; base: number }> = {
  x: { n: 2, re: HEX, base: 16 },
  u: { n: 4, re: HEX, base: 16 },
  U: { n: 8, re: HEX, base: 16 },
};

class FilterSyntaxError extends Error {}

/** Tokens of one filter string. After an operator the scanner reads a value, as containerd's does. */
class Scanner {
  private i = 0;
  private valueNext = false;
  /** Why the first illegal token is illegal, in containerd's words. */
  err = '';
  constructor(private readonly input: string) {}

  /** The next character as is (no white space skipped), '' at the end. */
  peekChar(): string {
    return this.charAt(this.i);
  }

  get offset(): number {
    return this.i;
  }

  private charAt(i: number): string {
    const cp = this.input.codePointAt(i);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private advance(): string {
    const c = this.charAt(this.i);
    this.i += c.length;
    return c;
  }

  private runOf(pred: (c: string) => boolean): void {
    while (this.i < this.input.length && pred(this.peekChar())) this.advance();
  }

  scan(): Token {
    this.runOf(isSpace);
    const pos = this.i;
    const c = this.advance();
    const tok = (kind: TokenKind): Token => ({ kind, pos, text: this.input.slice(pos, this.i) });
    if (c === '') return tok('eof');
    if (c === '\0') return this.illegal('unexpected null', tok);
    if (QUOTES.includes(c)) return tok(this.quotedRest(c) ? 'quoted' : 'illegal');
    if (c === ',' || c === '.') {
      this.valueNext = false;
      return tok('separator');
    }
    if (c === '=' || c === '!' || c === '~') {
      this.runOf((x) => x === '=' || x === '!' || x === '~');
      this.valueNext = true;
      return tok('operator');
    }
    if (this.valueNext && isValueChar(c)) {
      this.runOf(isValueChar);
      this.valueNext = false;
      return tok('value');
    }
    if (isFieldChar(c)) {
      this.runOf(isFieldChar);
      return tok('field');
    }
    return tok('char');
  }

  private illegal(why: string, tok: (k: TokenKind) => Token): Token {
    if (!this.err) this.err = why;
    return tok('illegal');
  }

  private error(why: string): false {
    if (!this.err) this.err = why;
    return false;
  }

  /** Reads up to the closing quote; false when it never comes or an escape is malformed. */
  private quotedRest(quote: string): boolean {
    let legal = true;
    for (;;) {
      const c = this.advance();
      if (c === '\0') return this.error('unexpected null');
      if (c === '' || c === '\n') return this.error('quoted literal not terminated');
      if (c === quote) return legal;
      if (c !== '\\') continue;
      const e = this.advance();
      if (e in SIMPLE_ESCAPES || e === quote) continue;
      const digits = OCT.test(e) ? { n: 2, re: OCT } : DIGITS[e];
      if (!digits) {
        legal = this.error('illegal escape sequence');
        if (e === '' || e === '\n') return this.error('quoted literal not terminated');
        continue;
      }
      for (let k = 0; k < digits.n; k++) {
        if (!digits.re.test(this.peekChar())) {
          legal = this.error('illegal numeric escape sequence');
          break;
        }
        this.advance();
      }
    }
  }
}

/** The text a quoted token stands for: Go escapes, with `/` and `|` quoting like `"`. */
export function unquote(raw: string): string {
  const quote = raw[0] ?? '';
  if (raw.length < 2 || !QUOTES.includes(quote) || raw[raw.length - 1] !== quote) throw new FilterSyntaxError('quote syntax error');
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i++] as string;
    if (c === quote || c === '\n') throw new FilterSyntaxError('quote syntax error');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i++] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out += simple;
    else if (e === quote) out += e;
    else if (OCT.test(e)) {
      const oct = e + body.slice(i, i + 2);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new FilterSyntaxError('quote syntax error');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else if (DIGITS[e]) {
      const { n } = DIGITS[e];
      const hex = body.slice(i, i + n);
      if (hex.length !== n || !/^[0-9A-Fa-f]+$/.test(hex)) throw new FilterSyntaxError('quote syntax error');
      const v = parseInt(hex, 16);
      if (v > 0x10ffff) throw new FilterSyntaxError('quote syntax error');
      out += e === 'x' ? String.fromCharCode(v) : String.fromCodePoint(v);
      i += n;
    } else throw new FilterSyntaxError('quote syntax error');
  }
  return out;
}

class Parser {
  private readonly s: Scanner;
  constructor(private readonly input: string) {
    this.s = new Scanner(input);
  }

  /** containerd's error shape: the input with the offending character marked. */
  fail(pos: number, msg: string): never {
    const at =
      pos < this.input.length
        ? `[${this.input.slice(0, pos)} >|${this.input.slice(pos, pos + 1)}|< ${this.input.slice(pos + 1)}]`
        : `[${this.input}]`;
    throw new FilterSyntaxError(`filters: parse error: ${at}: ${msg}: invalid argument`);
  }

  selectors(): Selector[] {
    const out = [this.selector()];
    for (;;) {
      const c = this.s.peekChar();
      if (c === '') return out;
      if (c !== ',') this.fail(this.s.offset, `unexpected input: ${c}`);
      this.s.scan();
      out.push(this.selector());
    }
  }

  private selector(): Selector {
    const fieldpath = this.fieldpath();
    const next = this.s.peekChar();
    if (next === ',' || next === '') return { fieldpath, operator: 'present', value: '' };
    const op = this.s.scan();
    if (op.kind !== 'operator') this.fail(op.pos, 'expected an operator ("=="|"!="|"~=")');
    if (op.text !== '==' && op.text !== '!=' && op.text !== '~=') this.fail(op.pos, `unsupported operator ${JSON.stringify(op.text)}`);
    const v = this.s.scan();
    let value: string;
    if (v.kind === 'value' || v.kind === 'field') value = v.text;
    else if (v.kind === 'quoted') value = this.unquoteAt(v, op.text === '~=');
    else if (v.kind === 'illegal') this.fail(v.pos, this.s.err);
    else this.fail(v.pos, 'expected value or quoted');
    const sel: Selector = { fieldpath, operator: op.text, value };
    if (op.text === '~=') {
      try {
        sel.regex = goRegExp(value);
      } catch (err) {
        this.fail(v.pos, `compile regexp ${JSON.stringify(value)}: ${(err as Error).message}`);
      }
    }
    return sel;
  }

  private fieldpath(): string[] {
    const out = [this.field()];
    while (this.s.peekChar() === '.') {
      this.s.scan();
      out.push(this.field());
    }
    return out;
  }

  private field(): string {
    const t = this.s.scan();
    if (t.kind === 'field') return t.text;
    if (t.kind === 'quoted') return this.unquoteAt(t, false);
    if (t.kind === 'illegal') return this.fail(t.pos, this.s.err);
    return this.fail(t.pos, 'expected field or quoted');
  }

  /** `/…/` and `|…|` quote only regular expressions (values of `~=`). */
  private unquoteAt(t: Token, altQuotes: boolean): string {
    if (!altQuotes && t.text[0] !== '"') this.fail(t.pos, 'invalid quote encountered');
    try {
      return unquote(t.text);
    } catch (err) {
      return this.fail(t.pos, `unquoting failed: ${(err as Error).message}`);
    }
  }
}

/** Parses one filter string into its AND-ed selectors; the empty string has none (matches all). */
export function parseSelectors(input: string): Selector[] {
  if (input === '') return [];
  try {
    return new Parser(input).selectors();
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw invalidArgument(err.message);
    throw err;
  }
}

function matches(sel: Selector, adaptor: Adaptor): boolean {
  const v = adaptor(sel.fieldpath);
  switch (sel.operator) {
    case 'present':
      return v !== undefined;
    case '==':
      return v === sel.value;
    case '!=':
      return v !== sel.value;
    case '~=':
      // As containerd: an absent field is matched as the empty string.
      return (sel.regex as RegExp).test(v ?? '');
  }
}

/** Parses the filters of a request: any of them may match; no filter matches everything. */
export function parseFilters(filters: readonly string[]): Filter {
  let alternatives: Selector[][];
  try {
    alternatives = filters.map(parseSelectors);
  } catch (err) {
    // containerd's stores wrap the parser's error once more; clients see both suffixes.
    if (err instanceof StackError) throw invalidArgument(`${err.message}: invalid argument`);
    throw err;
  }
  if (alternatives.length === 0 || alternatives.some((sels) => sels.length === 0)) return () => true;
  return (adaptor) => alternatives.some((sels) => sels.every((sel) => matches(sel, adaptor)));
}

/** Adaptor helper for `labels.KEY` fields. */
export function labelField(labels: Record<string, string>, fieldpath: string[]): string | undefined {
  if (fieldpath.length < 2) return Object.keys(labels).length > 0 ? '' : undefined;
  return labels[fieldpath.slice(1).join('.')];
}
