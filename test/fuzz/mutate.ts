/**
 * Structure-aware mutations: fuzz inputs are mostly valid encodings with a few edits, so the decoder
 * gets past its first check. Bytes get overwrites with boundary values, length-field rewrites, cuts,
 * insertions, duplicated and spliced ranges; JSON gets values replaced, removed, retyped or nulled at
 * a path.
 */
import fc from 'fast-check'

/** Values that sit on the edges of u8/varint/length fields. */
const EDGE_BYTES = [0x00, 0x01, 0x02, 0x0f, 0x10, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xfe, 0xff]
const EDGE_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]

type ByteEdit =
  | { op: 'set'; at: number; value: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'u32'; at: number; value: number; delta: number }
  | { op: 'varint'; at: number; value: number }
  | { op: 'cut'; at: number; len: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'dup'; at: number; len: number; to: number }
  | { op: 'truncate'; at: number }
  | { op: 'splice'; at: number; from: number; len: number; other: number }

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...EDGE_BYTES), fc.nat(255))
  }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    op: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.constantFrom(...EDGE_U32),
    delta: fc.integer({ min: -2, max: 2 })
  }),
  fc.record({
    op: fc.constant('varint' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...EDGE_U32), fc.nat())
  }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 })
  }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    len: fc.integer({ min: 1, max: 64 }),
    other: fc.nat()
  })
)

function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

function apply(input: Uint8Array, e: ByteEdit, seeds: readonly Uint8Array[]): Uint8Array {
  const b = Array.from(input)
  const at = b.length === 0 ? 0 : e.at % (b.length + (e.op === 'insert' ? 1 : 0))
  switch (e.op) {
    case 'set':
      if (b.length > 0) b[at] = e.value
      break
    case 'flip':
      if (b.length > 0) b[at] = b[at]! ^ (1 << e.bit)
      break
    case 'u32': {
      const v = (e.value + e.delta) >>> 0
      const be = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]
      for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = be[i]!
      break
    }
    case 'varint': {
      const old = b.length === 0 ? 0 : 1
      b.splice(at, old, ...varint(e.value))
      break
    }
    case 'cut':
      b.splice(at, e.len)
      break
    case 'insert':
      b.splice(at, 0, ...e.bytes)
      break
    case 'dup': {
      const part = b.slice(at, at + e.len)
      b.splice(b.length === 0 ? 0 : e.to % (b.length + 1), 0, ...part)
      break
    }
    case 'truncate':
      b.length = at
      break
    case 'splice': {
      const other = seeds[e.other % seeds.length]!
      const from = other.length === 0 ? 0 : e.from % other.length
      b.splice(at, e.len, ...other.subarray(from, from + e.len))
      break
    }
  }
  return Uint8Array.from(b)
}

/** Applies 1–`max` edits to `seed`; `seeds` is where splices come from. */
export function mutateBytes(seed: Uint8Array, edits: readonly ByteEdit[], seeds: readonly Uint8Array[]): Uint8Array {
  let out = seed
  for (const e of edits) out = apply(out, e, seeds)
  return out
}

/** Bytes that are mostly one of `seeds` mutated, sometimes a seed intact, sometimes random. */
export function mutatedBytes(seeds: readonly Uint8Array[], maxEdits = 4, maxRandom = 600): fc.Arbitrary<Uint8Array> {
  const pick = fc.nat(seeds.length - 1).map(i => seeds[i]!)
  const mutated = fc
    .tuple(pick, fc.array(byteEdit, { minLength: 1, maxLength: maxEdits }))
    .map(([seed, edits]) => mutateBytes(seed, edits, seeds))
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: pick },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) }
  )
}

/** The edit list arbitrary, for targets that mutate part of an encoding and re-sign it. */
export const byteEdits = (max = 4): fc.Arbitrary<ByteEdit[]> => fc.array(byteEdit, { minLength: 1, maxLength: max })

export type { ByteEdit }

/** JSON values a field may be turned into: boundary types and a few hostile shapes. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', ' ', '\u0000', '__proto__', [], {}, [null], { length: 1 }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 })
)

type JsonEdit =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'wrap'; at: number }
  | { op: 'dup'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown }

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileJson }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dup' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'id', 'type'), fc.string({ maxLength: 8 })),
      value: hostileJson
    })
  }
)

type Container = Record<string, unknown> | unknown[]

/** Every [parent, key] pair of a JSON value, in a stable order. */
function slots(root: unknown): [Container, string | number][] {
  const out: [Container, string | number][] = []
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i])
        walk(x)
      })
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k])
        walk(x)
      }
    }
  }
  walk(root)
  return out
}

/** Applies `edits` to a deep copy of `seed` (a JSON value). */
export function mutateJson(seed: unknown, edits: readonly JsonEdit[]): unknown {
  const root = { v: structuredClone(seed) }
  for (const e of edits) {
    const all: [Container, string | number][] = [[root as Record<string, unknown>, 'v'], ...slots(root.v)]
    const [parent, key] = all[e.at % all.length]!
    const p = parent as Record<string | number, unknown>
    switch (e.op) {
      case 'replace':
        p[key] = structuredClone(e.value)
        break
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1)
        else delete p[key]
        break
      case 'wrap':
        p[key] = [p[key]]
        break
      case 'dup':
        if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]))
        else p[key] = structuredClone(p[key])
        break
      case 'add': {
        const target = p[key]
        if (typeof target === 'object' && target !== null && !Array.isArray(target))
          Object.defineProperty(target, e.key, {
            value: structuredClone(e.value),
            enumerable: true,
            writable: true,
            configurable: true
          })
        break
      }
    }
  }
  return root.v
}

/** JSON values that are mostly one of `seeds` with 1–`maxEdits` edits, sometimes any JSON value. */
export function mutatedJson(seeds: readonly unknown[], maxEdits = 3): fc.Arbitrary<unknown> {
  const mutated = fc
    .tuple(fc.nat(seeds.length - 1), fc.array(jsonEdit, { minLength: 1, maxLength: maxEdits }))
    .map(([i, edits]) => mutateJson(seeds[i], edits))
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: fc.nat(seeds.length - 1).map(i => structuredClone(seeds[i])) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }
  )
}
