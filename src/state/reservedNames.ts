/**
 * Names of `Object.prototype` (`constructor`, `__proto__`, …): none of them
 * can key a plain object table, so an id that is one is refused. Built on
 * first use, so that a bundle that never asks pays nothing at load.
 */
let reserved: { names: ReadonlySet<string>; longest: number } | undefined;

/**
 * Whether `value` is a name of `Object.prototype`. A length test and a set
 * rather than `value in Object.prototype`: `in` makes V8 internalize the
 * string (a lookup in its string table), and a burst asks this of several
 * ids of every frame — a tenth of a burst's time in a CPU profile. (Where
 * the internalizing pays off, the codec asks `in` on purpose: see its
 * `messageId`.)
 */
export function isReservedName(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (!reserved) {
    const names = new Set(Object.getOwnPropertyNames(Object.prototype));
    reserved = { names, longest: Math.max(...[...names].map((name) => name.length)) };
  }
  return value.length <= reserved.longest && reserved.names.has(value);
}
