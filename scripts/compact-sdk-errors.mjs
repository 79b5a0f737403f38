/**
 * An SDK client's exception classes (`dist-es/models/errors.js`) written as one small factory: each class
 * there is the same dozen lines — `name` and `$fault` fields, a constructor passing them to the service's
 * base exception and resetting the prototype, sometimes a `Message` field copied from the options — and
 * minified they still cost ~2.4 KiB of Auto Scaling's client in every function bundle. The compact module
 * exports the same classes (one per name, the same base, the same `name`, `$fault`, `Message` and
 * prototype chain). A class of any other shape fails the build rather than being guessed at.
 * Tested: test/unit/build/compact-sdk-errors.test.ts.
 */

const CLASS =
  /export class (\w+) extends __BaseException \{\n {4}name = "\1";\n {4}\$fault = "(client|server)";\n( {4}Message;\n)? {4}constructor\(opts\) \{\n {8}super\(\{\n {12}name: "\1",\n {12}\$fault: "\2",\n {12}\.\.\.opts,\n {8}\}\);\n {8}Object\.setPrototypeOf\(this, \1\.prototype\);\n( {8}this\.Message = opts\.Message;\n)? {4}\}\n\}\n?/g;

/**
 * @param {string} source the text of an SDK client's `dist-es/models/errors.js`
 * @param {string} file its path, for the error
 * @returns {string} the compact module
 */
export const compactSdkErrors = (source, file = 'errors.js') => {
  const head = /^import \{ (\w+) as __BaseException \} from "(\.\/\w+)";\n/.exec(source);
  const classes = [...source.matchAll(CLASS)];
  const rest = head ? source.slice(head[0].length).replace(CLASS, '').trim() : source;
  const mixed = classes.some((c) => (c[3] === undefined) !== (c[4] === undefined));
  if (!head || classes.length === 0 || rest !== '' || mixed) {
    throw new Error(
      `compactSdkErrors: ${file} has a class of another shape than scripts/compact-sdk-errors.mjs knows: update it`,
    );
  }
  const exports = classes
    .map(
      ([, name, fault, message]) => `${name} = e(${JSON.stringify(name)}, "${fault}"${message ? ', 1' : ''})`,
    )
    .join(',\n  ');
  return `import { ${head[1]} as B } from "${head[2]}";
const e = (n, f, m) => {
  const C = class extends B {
    constructor(o) {
      super({ name: n, $fault: f, ...o });
      this.name = n;
      this.$fault = f;
      Object.setPrototypeOf(this, C.prototype);
      if (m) this.Message = o.Message;
    }
  };
  return C;
};
export const ${exports};
`;
};
