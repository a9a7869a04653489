/**
 * Writing a plain object's changes into an Automerge document in a few large writes. The record change
 * functions run on a plain copy of the patient document (no proxy, no WebAssembly call per property);
 * what they changed is then written in one Automerge change, each new entry as one object (one batch).
 */

import { wrapStrings } from '../record/index.js'

type Plain = Record<string, unknown>

const isMap = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

// Lists in the patient document are whole values (complaints, medicines), never edited in place.
const same = (a: unknown, b: unknown): boolean =>
  a === b || (Array.isArray(a) && Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b))

/**
 * Makes `target` (an Automerge change proxy whose content equals `before`) equal to `after`: new keys
 * are assigned whole, maps present in both are descended into, other changed values are replaced, and
 * keys gone from `after` are deleted. `before` and `after` hold plain strings (`readPatient`); every
 * string written is an immutable string, as the record change functions write on a proxy.
 */
export function writeDiff(target: Plain, before: Plain, after: Plain): void {
  for (const [k, a] of Object.entries(after)) {
    if (!Object.hasOwn(before, k)) {
      target[k] = wrapStrings(a)
      continue
    }
    const b = before[k]
    if (isMap(a) && isMap(b)) writeDiff(target[k] as Plain, b, a)
    else if (!same(a, b)) target[k] = wrapStrings(a)
  }
  for (const k of Object.keys(before)) if (!Object.hasOwn(after, k)) Reflect.deleteProperty(target, k)
}
