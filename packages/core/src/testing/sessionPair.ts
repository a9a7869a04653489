/**
 * Two `SyncSession`s joined back to back over in-memory stores, for the session tests: every frame
 * sent is recorded (with its bytes), a test may lose frames on the way (`drop`), and `settle` runs
 * until nothing moves. Also `backupStore`, a copy of a store as a backup of its data directory holds it.
 */
import type { FacilityId } from '../record/types.js'
import { decodeFrame, type Frame } from '../sync/frames.js'
import { MemoryItemStore } from '../sync/MemoryItemStore.js'
import { SyncSession, type SyncSessionOptions } from '../sync/SyncSession.js'
import type { Entitlement } from '../sync/types.js'
import { inspectTestItem, verifyTestItem } from './testItems.js'

/** The two facilities of a pair: A and B. */
export const PAIR_A = 'IN2210000001' as FacilityId
export const PAIR_B = 'IN2210000002' as FacilityId
const all: Entitlement = async () => true

/** A connected pair and what went over it. */
export interface SessionPair {
  a: SyncSession
  b: SyncSession
  sent: { from: FacilityId; frame: Frame; bytes: Uint8Array }[]
  errors: (Error | undefined)[]
}

/** Which frames the link loses: true loses it (it is still recorded as sent). */
export type DropFrame = (from: FacilityId, frame: Frame) => boolean

/** Join A (over `sa`) and B (over `sb`) and start both sessions. */
export function connectPair(
  sa: MemoryItemStore,
  sb: MemoryItemStore,
  ea: Entitlement = all,
  eb: Entitlement = all,
  bOptions: Partial<SyncSessionOptions> = {},
  aOptions: Partial<SyncSessionOptions> = {},
  drop?: DropFrame
): SessionPair {
  const sent: SessionPair['sent'] = []
  const errors: SessionPair['errors'] = []
  const pair: SyncSession[] = []
  const mk = (
    store: MemoryItemStore,
    me: FacilityId,
    peer: FacilityId,
    entitled: Entitlement,
    other: () => SyncSession,
    extra: Partial<SyncSessionOptions>
  ): SyncSession =>
    new SyncSession({
      store,
      me,
      peer,
      rosterVersion: 1,
      entitled,
      verify: verifyTestItem,
      inspect: inspectTestItem,
      onClose: err => {
        errors.push(err)
        other().close()
      },
      channel: {
        send: async bytes => {
          const frame = decodeFrame(bytes)
          sent.push({ from: me, frame, bytes })
          if (drop?.(me, frame) !== true) void other().receive(bytes)
        },
        close: () => {}
      },
      ...extra
    })
  const a = mk(sa, PAIR_A, PAIR_B, ea, () => pair[1]!, aOptions)
  const b = mk(sb, PAIR_B, PAIR_A, eb, () => pair[0]!, bOptions)
  pair.push(a, b)
  void a.start()
  void b.start()
  return { a, b, sent, errors }
}

/** Run until neither side sends anything more. */
export async function settlePair(p: SessionPair): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const n = p.sent.length
    await p.a.idle()
    await p.b.idle()
    for (let k = 0; k < 8; k++) await Promise.resolve()
    if (p.sent.length === n) return
  }
}

/** A copy of `s` as a backup of its data directory holds it: same epoch, log, `from` marks and cursor of `peer`. */
export async function backupStore(s: MemoryItemStore, peer: FacilityId): Promise<MemoryItemStore> {
  const copy = new MemoryItemStore(inspectTestItem, await s.epoch())
  for (const it of await s.logSince(0, 1e9))
    await copy.putItems([it.bytes], it.from === undefined ? {} : { from: it.from })
  const cursor = await s.getCursor(peer)
  if (cursor !== undefined) await copy.setCursor(peer, cursor)
  return copy
}
