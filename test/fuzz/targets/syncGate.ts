/**
 * A browser's `/sync` messages, judged by the node's real gate (`GatedWebSocketAdapter`, real
 * Automerge, the real record and role checks) on a socket signed in as a medical officer. Inputs
 * are mutations of real sync messages carrying real changes to a patient document (an allowed
 * edit, an edit the role may not make, one that breaks the schema, one claiming another author):
 * the whole message's bytes, the sync message inside it, or the change bytes re-encoded into a
 * sync message. Each message is passed, refused by name, or its socket closed; the gate must never
 * fail with an unnamed error (it closes the socket then too, but a TypeError is a bug) or hang.
 */
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import fc from 'fast-check'
import { A, cbor, type DocHandle, type PeerId } from '../../../packages/node/src/testing/automerge.js'
import {
  addEncounter,
  createPatientDoc,
  type FacilityId,
  type PatientDoc,
  type PractitionerId
} from '@pagdandi/core/record'
import { authorOf, type StaffId, type StaffSession } from '@pagdandi/core/staff'
import { GatedWebSocketAdapter } from '../../../packages/node/src/gate/SyncGate.js'
import { Authorship } from '../../../packages/node/src/repo/Authorship.js'
import { registration } from '../../../packages/node/src/testing/fixtures.js'
import { feverEncounter, testContext } from '../../../packages/core/src/record/test-fixtures.js'
import { b64, FuzzFailure, unb64, type FuzzTarget } from '../harness.js'
import { byteEdits, mutateBytes, mutatedBytes } from '../mutate.js'

const FACILITY = 'IN2210000001' as FacilityId
const DOC_ID = '3JcF4REkXZhheED9BJdKF4aae6ra'
const BROWSER = 'browser-fuzz' as PeerId
const MO: StaffSession = {
  staffId: 'st-fuzz-mo' as StaffId,
  username: 'dr.fuzz',
  name: 'Dr. Fuzz Netam',
  role: 'medical-officer',
  hprId: '71123456789012' as PractitionerId,
  facility: FACILITY
}
/** Error names that mean the gate failed on its input instead of judging it. */
const UNNAMED = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError'])
const HANG_MS = 20_000

class FakeServer extends EventEmitter {
  readonly clients = new Set<FakeSocket>()
}
class FakeSocket extends EventEmitter {
  readyState = 1
  closed = false
  close(): void {
    this.closed = true
  }
  terminate(): void {
    this.closed = true
  }
  send(): void {}
  ping(): void {}
}

interface Gate {
  server: FakeServer
  adapter: GatedWebSocketAdapter
  base: A.Doc<PatientDoc>
  /** Error names the gate logged as it closed a socket. */
  failures: string[]
  seeds: { message: Uint8Array; data: Uint8Array; changes: Uint8Array[] }[]
}
let gate: Gate | undefined

function envelope(data: Uint8Array): Uint8Array {
  return cbor.encode({ type: 'sync', senderId: BROWSER, targetId: 'node-fuzz', documentId: DOC_ID, data })
}

function syncOf(base: A.Doc<PatientDoc>, changes: Uint8Array[]): Uint8Array {
  return A.encodeSyncMessage({ heads: A.getHeads(base), need: [], have: [], changes })
}

function build(): Gate {
  const base = createPatientDoc(registration(), testContext(FACILITY, 'r'), { time: 1_764_000_000 })
  const edits: ((d: PatientDoc) => void)[] = [
    d => {
      addEncounter(d, feverEncounter(), { ...testContext(FACILITY, 'e'), by: authorOf(MO) })
    },
    d => {
      // Another facility's entry, as a browser here may not write.
      addEncounter(d, feverEncounter(), testContext('IN2210000002' as FacilityId, 'x'))
    },
    d => {
      delete (d as Partial<PatientDoc>).demographics
    },
    d => {
      d.demographics.nameVariants.push('Somru' as never)
    }
  ]
  const seeds = edits.map(edit => {
    const after = A.change(A.clone(base), edit)
    const changes = A.getChanges(base, after)
    const data = syncOf(base, changes)
    return { message: envelope(data), data, changes }
  })
  const server = new FakeServer()
  const g: Gate = { server, adapter: undefined as never, base, failures: [], seeds }
  const handle = { doc: () => base } as unknown as DocHandle<unknown>
  g.adapter = new GatedWebSocketAdapter(server as unknown as ConstructorParameters<typeof GatedWebSocketAdapter>[0], {
    sessionOf: async (req: IncomingMessage) => {
      const r = req as unknown as Probe
      if (++r.calls === r.expected) r.judged()
      return MO
    },
    resident: async docId => (docId === DOC_ID ? handle : undefined),
    authorship: new Authorship(),
    facility: FACILITY,
    audit: async () => {},
    log: line => {
      const m = /^\/sync: (\w+); socket closed$/.exec(line)
      if (m !== null) g.failures.push(m[1]!)
    }
  })
  g.adapter.connect('node-fuzz' as PeerId)
  return g
}

/** What the fake upgrade request carries: the gate asks who is behind it once per message it judges. */
interface Probe {
  calls: number
  expected: number
  judged: () => void
}

/** Whether the gate will ask for the session of this message (it decodes to a message object). */
function asksSession(bytes: Uint8Array): boolean {
  try {
    const m = cbor.decode(bytes) as { type?: unknown } | null
    return typeof m === 'object' && m !== null && typeof m.type === 'string'
  } catch {
    return false
  }
}

/** One browser message: raw bytes as they come off the socket. */
export type GateInput = Uint8Array

async function check(bytes: GateInput): Promise<void> {
  const g = (gate ??= build())
  g.failures = []
  const socket = new FakeSocket()
  // The gate judges a socket's messages in order: once it asks who sent the probe (the last
  // message), the input has been judged.
  let judgedNow!: () => void
  const judged = new Promise<void>(resolve => {
    judgedNow = resolve
  })
  const req: Probe = { calls: 0, expected: 2 + (asksSession(bytes) ? 1 : 0), judged: () => judgedNow() }
  g.server.emit('connection', socket, req)
  const join = cbor.encode({
    type: 'join',
    senderId: BROWSER,
    peerMetadata: {},
    supportedProtocolVersions: ['1']
  })
  g.adapter.receiveMessage(join, socket as never)
  g.adapter.receiveMessage(bytes, socket as never)
  const probe = cbor.encode({ type: 'ephemeral', senderId: BROWSER, targetId: 'node-fuzz', documentId: DOC_ID })
  g.adapter.receiveMessage(probe, socket as never)
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<'hung'>(resolve => {
    timer = setTimeout(() => resolve('hung'), HANG_MS)
  })
  try {
    if ((await Promise.race([judged, hung])) === 'hung')
      throw new FuzzFailure(`the gate did not judge a message within ${HANG_MS / 1000} s`)
  } finally {
    clearTimeout(timer)
    socket.emit('close')
  }
  const bad = g.failures.filter(n => UNNAMED.has(n))
  if (bad.length > 0) throw new FuzzFailure(`the gate failed with ${bad.join(', ')} and closed the socket`)
}

function inputs(): fc.Arbitrary<GateInput> {
  const g = gate!
  const wholes = g.seeds.map(s => s.message)
  const inner = fc
    .tuple(fc.nat(g.seeds.length - 1), byteEdits(3))
    .map(([i, edits]) => envelope(mutateBytes(g.seeds[i]!.data, edits, [g.seeds[i]!.data])))
  const change = fc.tuple(fc.nat(g.seeds.length - 1), byteEdits(3)).map(([i, edits]) => {
    const cs = g.seeds[i]!.changes
    const c = cs[0]!
    return envelope(syncOf(g.base, [mutateBytes(c, edits, [c]), ...cs.slice(1)]))
  })
  const other = fc.constantFrom(
    cbor.encode({
      type: 'request',
      senderId: BROWSER,
      targetId: 'node-fuzz',
      documentId: DOC_ID,
      data: g.seeds[0]!.data
    }),
    cbor.encode({
      type: 'sync',
      senderId: BROWSER,
      targetId: 'node-fuzz',
      documentId: 'unknown',
      data: g.seeds[0]!.data
    }),
    cbor.encode({ type: 'sync', senderId: BROWSER, targetId: 'node-fuzz', documentId: 7, data: 'x' }),
    cbor.encode({ type: 'sync', senderId: BROWSER, documentId: DOC_ID }),
    cbor.encode({ type: 'remote-heads-changed', senderId: BROWSER, documentId: DOC_ID }),
    cbor.encode(null),
    cbor.encode([1, 2])
  )
  return fc.oneof(
    { weight: 3, arbitrary: mutatedBytes(wholes, 3, 100) },
    { weight: 3, arbitrary: inner },
    { weight: 3, arbitrary: change },
    { weight: 1, arbitrary: other }
  )
}

/** The `/sync` gate target. */
export const syncGateTarget: FuzzTarget<GateInput> = {
  name: 'sync-gate',
  what: "a browser's /sync messages (mutated real changes to a patient document) judged by the node's gate",
  arbitrary: () => {
    gate ??= build()
    return inputs()
  },
  check,
  toFixture: b64,
  fromFixture: unb64,
  close: async () => {
    gate?.server.emit('close')
    gate = undefined
  }
}
