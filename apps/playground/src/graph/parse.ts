/**
 * A tiny expression parser for the graph page: numbers, named variables, + − * /, unary minus,
 * parentheses and the functions exp, sigmoid, tanh, relu, square.
 */

/** The functions of one argument the parser knows. */
export const FUNCTIONS = ['exp', 'sigmoid', 'tanh', 'relu', 'square'] as const;
/** A function name. */
export type FunctionName = (typeof FUNCTIONS)[number];
/** An operator: a binary arithmetic op, unary minus (`neg`) or a function. */
export type Op = '+' | '-' | '*' | '/' | 'neg' | FunctionName;

/** A parsed expression. */
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'op'; op: Op; args: Expr[] };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)|([A-Za-z_]\w*)|(\S))/y;

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const m = TOKEN.exec(src);
    if (!m) break;
    const t = m[1] ?? m[2] ?? m[3];
    if (t !== undefined) tokens.push(t);
  }
  return tokens;
}

/** Parses `src`; throws an Error naming the problem and where it is. */
export function parse(src: string): Expr {
  const tokens = tokenize(src);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new Error(`${what} at token ${i + 1}${tokens[i] ? ` ("${tokens[i]}")` : ' (end)'}`);
  };
  const expect = (t: string) => (tokens[i] === t ? i++ : fail(`expected "${t}"`));

  // expr := term (('+' | '-') term)*
  function expr(): Expr {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[i++] as Op;
      left = { kind: 'op', op, args: [left, term()] };
    }
    return left;
  }
  // term := unary (('*' | '/') unary)*
  function term(): Expr {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[i++] as Op;
      left = { kind: 'op', op, args: [left, unary()] };
    }
    return left;
  }
  // unary := '-' unary | primary
  function unary(): Expr {
    if (peek() === '-') {
      i++;
      return { kind: 'op', op: 'neg', args: [unary()] };
    }
    return primary();
  }
  // primary := number | name | name '(' expr ')' | '(' expr ')'
  function primary(): Expr {
    const t = peek();
    if (t === undefined) return fail('expected a number, a name or "("');
    if (t === '(') {
      i++;
      const e = expr();
      expect(')');
      return e;
    }
    if (/^[\d.]/.test(t)) {
      i++;
      return { kind: 'num', value: Number(t) };
    }
    if (/^[A-Za-z_]/.test(t)) {
      i++;
      if (peek() !== '(') return { kind: 'var', name: t };
      if (!(FUNCTIONS as readonly string[]).includes(t))
        fail(`unknown function "${t}" (known: ${FUNCTIONS.join(', ')})`);
      i++;
      const arg = expr();
      expect(')');
      return { kind: 'op', op: t as FunctionName, args: [arg] };
    }
    return fail('unexpected symbol');
  }

  const e = expr();
  if (i < tokens.length) fail('unexpected input');
  return e;
}

/** Parses "x = −2, y = 5" (commas, semicolons or new lines between) into a map of values. */
export function parseValues(src: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const part of src.split(/[,;\n]/)) {
    if (!part.trim()) continue;
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(part.replace(/−/g, '-'));
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v)) throw new Error(`values: expected name = number, got "${part.trim()}"`);
    values.set(m[1], v);
  }
  return values;
}
