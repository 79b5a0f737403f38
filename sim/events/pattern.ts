/**
 * EventBridge event-pattern matching (EventBridge user guide, "Event patterns" and "Content filtering"):
 * every pattern key must match; a leaf is an array of alternatives; an event array matches when any
 * element matches; nested objects recurse. Supported matchers: literal values (string, number,
 * boolean, null), `prefix` (also `{ prefix: { 'equals-ignore-case': … } }`), `suffix`,
 * `equals-ignore-case`, `wildcard`, `anything-but` (value, list, `{ prefix }`, `{ suffix }`),
 * `numeric` (`=`, `<`, `<=`, `>`, `>=` pairs), `exists`, and `$or`.
 */

type Json = unknown;

const isPlainObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const globToRegExp = (g: string): RegExp =>
  new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

const matchOne = (m: Json, v: Json): boolean => {
  if (!isPlainObject(m)) return m === v;
  if ('prefix' in m) {
    const p = m.prefix;
    if (typeof v !== 'string') return false;
    if (isPlainObject(p)) return v.toLowerCase().startsWith(String(p['equals-ignore-case']).toLowerCase());
    return v.startsWith(String(p));
  }
  if ('suffix' in m) {
    const s = m.suffix;
    if (typeof v !== 'string') return false;
    if (isPlainObject(s)) return v.toLowerCase().endsWith(String(s['equals-ignore-case']).toLowerCase());
    return v.endsWith(String(s));
  }
  if ('equals-ignore-case' in m)
    return typeof v === 'string' && v.toLowerCase() === String(m['equals-ignore-case']).toLowerCase();
  if ('wildcard' in m) return typeof v === 'string' && globToRegExp(String(m.wildcard)).test(v);
  if ('anything-but' in m) {
    const ab = m['anything-but'];
    if (Array.isArray(ab)) return !ab.includes(v);
    if (isPlainObject(ab)) return !matchOne(ab, v);
    return ab !== v;
  }
  if ('numeric' in m) {
    if (typeof v !== 'number') return false;
    const ops = m.numeric as Array<string | number>;
    for (let k = 0; k + 1 < ops.length; k += 2) {
      const op = ops[k];
      const n = Number(ops[k + 1]);
      const ok =
        op === '='
          ? v === n
          : op === '<'
            ? v < n
            : op === '<='
              ? v <= n
              : op === '>'
                ? v > n
                : op === '>='
                  ? v >= n
                  : false;
      if (!ok) return false;
    }
    return true;
  }
  return false;
};

const matchLeaf = (alternatives: Json[], value: Json): boolean => {
  const values = Array.isArray(value) ? value : [value];
  return alternatives.some((m) => {
    if (isPlainObject(m) && 'exists' in m) return m.exists ? value !== undefined : value === undefined;
    if (value === undefined) return false;
    return values.some((v) => matchOne(m, v));
  });
};

/** True when `event` matches the EventBridge `pattern`. */
export const matchesPattern = (pattern: Record<string, Json>, event: Json): boolean => {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as Array<Record<string, Json>>).some((p) => matchesPattern(p, event))) return false;
      continue;
    }
    const value = isPlainObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, value)) return false;
    } else if (isPlainObject(expected)) {
      if (!isPlainObject(value) || !matchesPattern(expected, value)) {
        // A nested pattern made only of `exists: false` leaves matches a missing object.
        if (value !== undefined || !matchesPattern(expected, {})) return false;
      }
    } else {
      throw new Error(`sim: invalid EventBridge pattern at '${key}': leaf values must be arrays.`);
    }
  }
  return true;
};
