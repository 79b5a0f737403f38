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

const OPERATORS: Record<string, string> = {
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

/** Operators whose argument is a regular expression, read whole by the tokenizer. */
const PATTERN_OPS = new Set(['=~', '!~', 'matches', 'not_matches']);

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
    if (PATTERN_OPS.has(tokens.at(-1) ?? '') && c !== '"' && c !== "'") {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        const d = text[j]!;
        if (depth === 0 && /\s/.test(d)) break;
        if (d === '\\') j++;
        else if (d === '(' || d === '[') depth++;
        else if (d === ')' || d === ']') {
          if (depth === 0) break;
          depth--;
        }
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
      !['==', '!=', '>=', '<=', '=~', '!~', '&&', '||'].some((s) => text.startsWith(s, j)) &&
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

const subjectValue = (t: QueryTarget, subject: string): string | undefined => {
  if (subject.startsWith('attribute:')) return t.attribute(subject.slice('attribute:'.length));
  switch (subject) {
    case 'ec2InstanceId':
      return t.ec2InstanceId;
    case 'agentConnected':
      return String(t.agentConnected);
    case 'agentVersion':
      return t.agentVersion;
    case 'registeredAt':
      return t.registeredAt;
    case 'runningTasksCount':
      return String(t.runningTasksCount);
    default:
      return undefined;
  }
};

const KNOWN_SUBJECTS = new Set([
  'ec2InstanceId',
  'agentConnected',
  'agentVersion',
  'registeredAt',
  'runningTasksCount',
  'task:group',
]);

const compare = (a: string, b: string): number => {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
};

/** Agent versions part by part as numbers (`1.9.0` < `1.14.5`); undefined when one is not a version. */
const compareVersions = (a: string, b: string): number | undefined => {
  const parts = (v: string) => {
    const p = v.trim().replace(/^v/i, '').split('.');
    return p.every((x) => /^\d+$/.test(x)) ? p.map(Number) : undefined;
  };
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return undefined;
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const d = (x[k] ?? 0) - (y[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** The query page's date formats (with an offset, Z, no zone = UTC, or a bare day) as epoch ms. */
const queryDate = (s: string): number | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(s.trim());
  if (!m) return undefined;
  const at = Date.parse(m[2] ? `${m[1]}T${m[2]}${m[3] ?? 'Z'}` : `${m[1]}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : at;
};

const compareDates = (a: string, b: string): number | undefined => {
  const x = queryDate(a);
  const y = queryDate(b);
  return x === undefined || y === undefined ? undefined : x - y;
};

/** Subjects whose values order as versions or dates rather than as strings. */
const TYPED_COMPARE: Record<string, (a: string, b: string) => number | undefined> = {
  agentVersion: compareVersions,
  registeredAt: compareDates,
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
    const typed = TYPED_COMPARE[subject];
    if (typed && ['==', '!=', '>', '>=', '<', '<='].includes(op)) {
      // Versions and dates are ordered as such, not as strings: agent 1.9.0 is older than 1.14.5, and
      // 2026-12-01T12:00:00Z is the instant the API's 2026-12-01T12:00:00.000Z names.
      const want = args[0] ?? '';
      if (typed(want, want) === undefined) throw new Error(`'${want}' is not a valid ${subject} value`);
      return (t) => {
        const v = read(t);
        const c = v === undefined ? undefined : typed(v, want);
        if (c === undefined) return op === '!=';
        return op === '=='
          ? c === 0
          : op === '!='
            ? c !== 0
            : op === '>'
              ? c > 0
              : op === '>='
                ? c >= 0
                : op === '<'
                  ? c < 0
                  : c <= 0;
      };
    }
    switch (op) {
      case '==':
        return (t) => read(t) === args[0];
      case '!=':
        return (t) => read(t) !== args[0];
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
        const re = new RegExp(`^(?:${args[0] ?? ''})$`);
        const want = op === '=~';
        return (t) => {
          const v = read(t);
          return (v !== undefined && re.test(v)) === want;
        };
      }
      default: {
        const sign = op;
        return (t) => {
          const v = read(t);
          if (v === undefined) return false;
          const c = compare(v, args[0] ?? '');
          return sign === '>' ? c > 0 : sign === '>=' ? c >= 0 : sign === '<' ? c < 0 : c <= 0;
        };
      }
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
