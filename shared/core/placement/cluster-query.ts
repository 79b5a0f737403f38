/**
 * The ECS cluster query language, as `memberOf` placement constraints use it (ECS developer guide,
 * "Cluster query language"): `subject operator [argument]` terms joined with `and`/`&&`, `or`/`||`,
 * negated with `not`/`!`, grouped with parentheses.
 *
 * Subjects: `attribute:<name>` (built-in and custom attributes), `ec2InstanceId`, `agentConnected`,
 * `agentVersion`, `registeredAt`, `runningTasksCount`, `task:group`. Operators: `==`/`equals`,
 * `!=`/`not_equals`, `>`, `>=`, `<`, `<=` (and their word forms), `exists`, `!exists`/`not_exists`,
 * `in`, `!in`/`not_in` (list `[a, b]`), `=~`/`matches`, `!~`/`not_matches` (a regular expression, whole
 * value). An expression outside this grammar is a compile error, never a guess.
 */

/** What a query can ask of one container instance. */
export interface QueryTarget {
  attribute(name: string): string | undefined;
  /** Whether the attribute is present (an attribute may have no value, e.g. `ecs.capability.*`). */
  hasAttribute(name: string): boolean;
  ec2InstanceId: string | undefined;
  agentConnected: boolean;
  agentVersion: string | undefined;
  registeredAt: string | undefined;
  runningTasksCount: number;
  /** Task groups (`service:web`, `family:job`) with a task on the instance. */
  hasTaskGroup(group: string): boolean;
}

/** A compiled query. */
export type CompiledQuery = (target: QueryTarget) => boolean;

/** The outcome of {@link compileClusterQuery}. */
export type QueryCompilation = { ok: true; test: CompiledQuery } | { ok: false; error: string };

/** Any form of an operator → its symbol (no prototype: `constructor` is not an operator). */
const OPERATORS: Record<string, string> = {
  __proto__: null as unknown as string,
  '==': '==',
  equals: '==',
  '!=': '!=',
  not_equals: '!=',
  '>': '>',
  greater_than: '>',
  '>=': '>=',
  greater_than_equal: '>=',
  '<': '<',
  less_than: '<',
  '<=': '<=',
  less_than_equal: '<=',
  exists: 'exists',
  '!exists': '!exists',
  not_exists: '!exists',
  in: 'in',
  '!in': '!in',
  not_in: '!in',
  '=~': '=~',
  matches: '=~',
  '!~': '!~',
  not_matches: '!~',
};
const SYMBOLS = [
  '&&',
  '||',
  '==',
  '!=',
  '>=',
  '<=',
  '=~',
  '!~',
  '!exists',
  '!in',
  '>',
  '<',
  '!',
  '(',
  ')',
  '[',
  ']',
  ',',
];

const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // A pattern is one argument, brackets and parentheses included (`[cm]5\..*`, `(c|m)5.*`): up to the
    // next space outside them, not taking a ')' that closes an enclosing group.
    if (/~$/.test(OPERATORS[tokens.at(-1) ?? ''] ?? '') && !/['"]/.test(c)) {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        const e = text[j]!;
        if (e === '\\') j++;
        else if (e === '(' || e === '[') depth++;
        else if (e === ')' || e === ']' ? depth-- === 0 : depth === 0 && /\s/.test(e)) break;
      }
      tokens.push(text.slice(i, j));
      i = j;
      continue;
    }
    const sym = SYMBOLS.find(
      (s) => text.startsWith(s, i) && (!/[a-z]$/.test(s) || !/[\w]/.test(text[i + s.length] ?? '')),
    );
    if (sym) {
      tokens.push(sym);
      i += sym.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote at ${i}`);
      tokens.push(`"${text.slice(i + 1, end)}`);
      i = end + 1;
      continue;
    }
    let j = i;
    while (
      j < text.length &&
      !/[\s()[\],]/.test(text[j]!) &&
      // The two-character operators (the first eight symbols) end a word.
      !SYMBOLS.slice(0, 8).some((s) => text.startsWith(s, j)) &&
      !(j > i && /[<>]/.test(text[j]!))
    )
      j++;
    if (j === i) throw new Error(`unexpected '${c}' at ${i}`);
    tokens.push(text.slice(i, j));
    i = j;
  }
  return tokens;
};

const unquote = (t: string): string => (t.startsWith('"') ? t.slice(1) : t);

/** The value of a subject other than `task:group` (checked against SUBJECTS first), as a string. */
const subjectValue = (t: QueryTarget, subject: string): string | undefined => {
  if (subject.startsWith('attribute:')) return t.attribute(subject.slice('attribute:'.length));
  const v =
    t[subject as 'ec2InstanceId' | 'agentConnected' | 'agentVersion' | 'registeredAt' | 'runningTasksCount'];
  return v === undefined ? undefined : String(v);
};

const KNOWN_SUBJECTS = new Set([
  'ec2InstanceId',
  'agentConnected',
  'agentVersion',
  'registeredAt',
  'runningTasksCount',
  'task:group',
]);

/**
 * Agent versions as their numbers (`1.9.0` < `1.14.5`), registration dates as instants (the page's formats;
 * `==` too: they name instants); undefined: not one; null: a subject ordered as a number or a string.
 */
const key = (subject: string, v: string): number[] | undefined | null => {
  if (subject === 'agentVersion') return /^\d+(\.\d+)*$/.test(v) ? v.split('.').map(Number) : undefined;
  if (subject !== 'registeredAt') return null;
  // A bare day is UTC midnight (Date.parse's reading); a time without a zone is UTC too.
  const m = /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-][\d:]+)?)?$/.exec(v);
  const t = m ? Date.parse(m[1] && !m[2] ? `${v}Z` : v) : -Infinity;
  return t > -Infinity ? [t] : undefined;
};

/** Orders two values of `subject`; undefined when a version or date is not one. */
const compare = (subject: string, a: string, b: string): number | undefined => {
  const x = key(subject, a);
  if (x !== null) {
    const y = key(subject, b);
    if (!x || !y) return undefined;
    for (let k = 0; k < x.length || k < y.length; k++) {
      const d = (x[k] ?? 0) - (y[k] ?? 0);
      if (d) return d;
    }
    return 0;
  }
  const n = Number(a);
  const m = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(n) && Number.isFinite(m)) return n - m;
  return a < b ? -1 : a > b ? 1 : 0;
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}
  private peek(): string | undefined {
    return this.tokens[this.pos];
  }
  private next(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error('unexpected end of expression');
    return t;
  }
  parse(): CompiledQuery {
    const e = this.or();
    if (this.pos < this.tokens.length) throw new Error(`unexpected '${this.peek()}'`);
    return e;
  }
  private or(): CompiledQuery {
    const parts = [this.and()];
    while (this.peek() === '||' || this.peek()?.toLowerCase() === 'or') {
      this.pos++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (t) => parts.some((p) => p(t));
  }
  private and(): CompiledQuery {
    const parts = [this.unary()];
    while (this.peek() === '&&' || this.peek()?.toLowerCase() === 'and') {
      this.pos++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : (t) => parts.every((p) => p(t));
  }
  private unary(): CompiledQuery {
    const t = this.peek();
    if (t === '!' || t?.toLowerCase() === 'not') {
      this.pos++;
      const inner = this.unary();
      return (x) => !inner(x);
    }
    if (t === '(') {
      this.pos++;
      const inner = this.or();
      if (this.next() !== ')') throw new Error("missing ')'");
      return inner;
    }
    return this.term();
  }
  private list(): string[] {
    if (this.peek() !== '[') return [unquote(this.next())];
    this.pos++;
    const values: string[] = [];
    while (this.peek() !== ']') {
      values.push(unquote(this.next()));
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return values;
  }
  private term(): CompiledQuery {
    const subject = this.next();
    if (!subject.startsWith('attribute:') && !KNOWN_SUBJECTS.has(subject)) {
      throw new Error(`unknown subject '${subject}'`);
    }
    const opToken = this.next();
    const op = OPERATORS[opToken.toLowerCase()] ?? OPERATORS[opToken];
    if (!op) throw new Error(`unknown operator '${opToken}'`);
    if (op === 'exists' || op === '!exists') {
      const want = op === 'exists';
      if (!subject.startsWith('attribute:')) throw new Error(`'${opToken}' needs an attribute subject`);
      const name = subject.slice('attribute:'.length);
      return (t) => t.hasAttribute(name) === want;
    }
    const args = this.list();
    if (subject === 'task:group') {
      if (op !== '==' && op !== '!=' && op !== 'in' && op !== '!in') {
        throw new Error(`operator '${opToken}' is not supported on task:group`);
      }
      const positive = op === '==' || op === 'in';
      return (t) => args.some((g) => t.hasTaskGroup(g)) === positive;
    }
    const read = (t: QueryTarget) => subjectValue(t, subject);
    const want = args[0] ?? '';
    const k = key(subject, want);
    if (k === undefined) throw new Error(`not a valid ${subject}`);
    const typed = k !== null;
    const ordered = (t: QueryTarget) => {
      const v = read(t);
      const c = v === undefined ? undefined : compare(subject, v, want);
      if (c === undefined) return op === '!=';
      return op === '=='
        ? !c
        : op === '!='
          ? !!c
          : op === '>'
            ? c > 0
            : op === '>='
              ? c >= 0
              : op === '<'
                ? c < 0
                : c <= 0;
    };
    switch (op) {
      case '==':
        return typed ? ordered : (t) => read(t) === want;
      case '!=':
        return typed ? ordered : (t) => read(t) !== want;
      case 'in':
        return (t) => {
          const v = read(t);
          return v !== undefined && args.includes(v);
        };
      case '!in':
        return (t) => {
          const v = read(t);
          return v === undefined || !args.includes(v);
        };
      case '=~':
      case '!~': {
        const re = new RegExp(`^(?:${want})$`);
        return (t) => {
          const v = read(t);
          return (v !== undefined && re.test(v)) === (op === '=~');
        };
      }
      default:
        return ordered;
    }
  }
}

/** Compiles a cluster query expression; a syntax the model does not know is `{ ok: false, error }`. */
export const compileClusterQuery = (expression: string): QueryCompilation => {
  try {
    return { ok: true, test: new Parser(tokenize(expression)).parse() };
  } catch (e) {
    return { ok: false, error: `cannot read cluster query '${expression}': ${(e as Error).message}` };
  }
};
