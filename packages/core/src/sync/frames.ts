/**
 * The frames of `/pagdandi/sync/1.0.0` and their codec. `decodeFrame` validates every field at the
 * boundary: version, type, every length against the caps in `constants.ts`, every id's alphabet, and
 * that the frame is consumed exactly. Byte layout: docs/PROTOCOL.md, "Sync protocol".
 */
import type { FacilityId, PatientId } from '../record/types.js'
import { ByteReader, ByteWriter, type ReaderFormat } from '../bytes.js'
import {
  EPOCH_BYTES,
  FINGERPRINT_BYTES,
  FRAME_VERSION,
  MAX_BATCH_ITEMS,
  MAX_FRAME_BYTES,
  MAX_HAVE_IDS,
  MAX_ID_CHARS,
  MAX_ITEM_BYTES,
  MAX_RANGES,
  MAX_SUMMARY_ENTRIES,
  TOKEN_BYTES
} from './constants.js'
import { FrameTooLargeError, MalformedFrameError, UnknownFrameTypeError, UnsupportedVersionError } from './errors.js'
import type { Cursor, DocSummary, ItemId } from './types.js'

/** Frames' settings of the shared codec: 8-byte varints, `MalformedFrameError`, ids up to MAX_ID_CHARS. */
const FRAME_FORMAT: ReaderFormat = {
  fail: detail => new MalformedFrameError(detail),
  varintBytes: 8,
  maxIdChars: MAX_ID_CHARS
}

/** Frame type codes on the wire. */
export const FrameType = {
  hello: 1,
  batch: 2,
  ack: 3,
  offer: 4,
  have: 5,
  repair: 6,
  summaryRequest: 7,
  summary: 8,
  repairFin: 9,
  roster: 10
} as const

/** First frame each side sends: who it is and the cursor it holds of the other side's log. */
export interface HelloFrame {
  type: 'hello'
  facility: FacilityId
  rosterVersion: number
  /** The sender's log epoch. */
  epoch: Uint8Array
  /** The sender's last log sequence number. */
  lastSeq: number
  /** The cursor the sender holds of the receiver's log, if any. */
  cursor?: Cursor
}

/** Items in log order; `upTo` > 0 is the log position (and its token) the receiver may store as cursor. */
export interface BatchFrame {
  type: 'batch'
  batchNo: number
  upTo: number
  token?: Uint8Array
  items: Uint8Array[]
}

/** The receiver has durably stored batch `batchNo` (and every earlier one). */
export interface AckFrame {
  type: 'ack'
  batchNo: number
}

/** "You are now entitled to this document; tell me what you hold of it." */
export interface OfferFrame {
  type: 'offer'
  docId: PatientId
}

/** "Of this document I hold these items": the other side sends what is missing. */
export interface HaveFrame {
  type: 'have'
  docId: PatientId
  ids: ItemId[]
}

/** "The cursor you hold of my log is missing or suspect: reconcile, then send repair-fin." */
export interface RepairFrame {
  type: 'repair'
}

/** A range of document ids: [lo, hi), `hi` undefined meaning unbounded. */
export interface Range {
  lo: string
  hi?: string
}

/** Ask for summaries of these ranges of the other side's entitled documents. */
export interface SummaryRequestFrame {
  type: 'summary-request'
  ranges: Range[]
}

/** One answered range: either its fingerprint and size, or its entries when small. */
export type SummaryRange =
  (Range & { kind: 'fp'; fp: Uint8Array; count: number }) | (Range & { kind: 'entries'; entries: DocSummary[] })

/** Answers to a summary request, each sub-range covering part of a requested range. */
export interface SummaryFrame {
  type: 'summary'
  ranges: SummaryRange[]
}

/** The receiver has asked for everything it found missing; the sender may now set a new base. */
export interface RepairFinFrame {
  type: 'repair-fin'
}

/**
 * The sender's signed roster, sent once after the hellos when the peer's hello named an older
 * version (protocol 1.1 only): the receiver verifies it under its pinned authority and adopts it.
 */
export interface RosterFrame {
  type: 'roster'
  roster: Uint8Array
}

/** Any frame of the protocol. */
export type Frame =
  | RosterFrame
  | HelloFrame
  | BatchFrame
  | AckFrame
  | OfferFrame
  | HaveFrame
  | RepairFrame
  | SummaryRequestFrame
  | SummaryFrame
  | RepairFinFrame

function writeRange(w: ByteWriter, r: Range): void {
  if (r.lo === '') w.u8(0)
  else w.u8(1).id(r.lo)
  if (r.hi === undefined) w.u8(0)
  else w.u8(1).id(r.hi)
}

function readBound(r: ByteReader): string | undefined {
  const flag = r.u8()
  if (flag === 0) return undefined
  if (flag !== 1) throw new MalformedFrameError('range bound flag')
  return r.id()
}

function readRange(r: ByteReader): Range {
  const lo = readBound(r) ?? ''
  const hi = readBound(r)
  if (hi === undefined) return { lo }
  if (hi <= lo) throw new MalformedFrameError('empty range')
  return { lo, hi }
}

/** Encode a frame; throws `FrameTooLargeError` if the result would exceed `MAX_FRAME_BYTES`. */
export function encodeFrame(f: Frame): Uint8Array {
  const w = new ByteWriter().u8(FRAME_VERSION)
  switch (f.type) {
    case 'hello':
      w.u8(FrameType.hello).id(f.facility).varint(f.rosterVersion).raw(f.epoch).varint(f.lastSeq)
      if (f.cursor === undefined) w.u8(0)
      else w.u8(1).varint(f.cursor.seq).raw(f.cursor.token)
      break
    case 'batch':
      w.u8(FrameType.batch).varint(f.batchNo).varint(f.upTo)
      if (f.upTo > 0) w.raw(f.token ?? new Uint8Array(TOKEN_BYTES))
      w.varint(f.items.length)
      for (const it of f.items) w.bytes(it)
      break
    case 'ack':
      w.u8(FrameType.ack).varint(f.batchNo)
      break
    case 'offer':
      w.u8(FrameType.offer).id(f.docId)
      break
    case 'have':
      w.u8(FrameType.have).id(f.docId).varint(f.ids.length)
      for (const id of f.ids) w.id(id)
      break
    case 'repair':
      w.u8(FrameType.repair)
      break
    case 'repair-fin':
      w.u8(FrameType.repairFin)
      break
    case 'roster':
      w.u8(FrameType.roster).bytes(f.roster)
      break
    case 'summary-request':
      w.u8(FrameType.summaryRequest).varint(f.ranges.length)
      for (const r of f.ranges) writeRange(w, r)
      break
    case 'summary':
      w.u8(FrameType.summary).varint(f.ranges.length)
      for (const r of f.ranges) {
        writeRange(w, r)
        if (r.kind === 'fp') w.u8(0).raw(r.fp).varint(r.count)
        else {
          w.u8(1).varint(r.entries.length)
          for (const e of r.entries) w.id(e.docId).raw(e.fp).varint(e.count)
        }
      }
      break
  }
  const out = w.finish()
  if (out.length > MAX_FRAME_BYTES) throw new FrameTooLargeError('frame', out.length, MAX_FRAME_BYTES)
  return out
}

/**
 * Decode and fully validate one frame. Throws `FrameTooLargeError`, `UnsupportedVersionError`,
 * `UnknownFrameTypeError` or `MalformedFrameError`; never returns a partially checked frame.
 */
export function decodeFrame(buf: Uint8Array): Frame {
  if (buf.length > MAX_FRAME_BYTES) throw new FrameTooLargeError('frame', buf.length, MAX_FRAME_BYTES)
  const r = new ByteReader(buf, FRAME_FORMAT)
  const version = r.u8()
  if (version !== FRAME_VERSION) throw new UnsupportedVersionError(`frame version ${version}`)
  const type = r.u8()
  let f: Frame
  switch (type) {
    case FrameType.hello: {
      const facility = r.id() as FacilityId
      const rosterVersion = r.varint()
      const epoch = r.raw(EPOCH_BYTES).slice()
      const lastSeq = r.varint()
      const has = r.u8()
      if (has > 1) throw new MalformedFrameError('hello cursor flag')
      f = { type: 'hello', facility, rosterVersion, epoch, lastSeq }
      if (has === 1) {
        const seq = r.varint()
        f.cursor = { seq, token: r.raw(TOKEN_BYTES).slice() }
      }
      break
    }
    case FrameType.batch: {
      const batchNo = r.varint()
      const upTo = r.varint()
      const token = upTo > 0 ? r.raw(TOKEN_BYTES).slice() : undefined
      const n = r.count(MAX_BATCH_ITEMS, 'batch item')
      const items: Uint8Array[] = []
      for (let i = 0; i < n; i++) {
        const len = r.varint()
        if (len > MAX_ITEM_BYTES) throw new FrameTooLargeError('item', len, MAX_ITEM_BYTES)
        if (len === 0) throw new MalformedFrameError('empty item')
        items.push(r.raw(len).slice())
      }
      f = token === undefined ? { type: 'batch', batchNo, upTo, items } : { type: 'batch', batchNo, upTo, token, items }
      break
    }
    case FrameType.ack:
      f = { type: 'ack', batchNo: r.varint() }
      break
    case FrameType.offer:
      f = { type: 'offer', docId: r.id() as PatientId }
      break
    case FrameType.have: {
      const docId = r.id() as PatientId
      const n = r.count(MAX_HAVE_IDS, 'have id')
      const ids: ItemId[] = []
      for (let i = 0; i < n; i++) ids.push(r.id() as ItemId)
      f = { type: 'have', docId, ids }
      break
    }
    case FrameType.repair:
      f = { type: 'repair' }
      break
    case FrameType.repairFin:
      f = { type: 'repair-fin' }
      break
    case FrameType.roster:
      f = { type: 'roster', roster: r.bytes(MAX_FRAME_BYTES).slice() }
      break
    case FrameType.summaryRequest: {
      const n = r.count(MAX_RANGES, 'range')
      const ranges: Range[] = []
      for (let i = 0; i < n; i++) ranges.push(readRange(r))
      f = { type: 'summary-request', ranges }
      break
    }
    case FrameType.summary: {
      const n = r.count(MAX_RANGES, 'range')
      const ranges: SummaryRange[] = []
      let total = 0
      for (let i = 0; i < n; i++) {
        const range = readRange(r)
        const kind = r.u8()
        if (kind === 0) {
          ranges.push({ ...range, kind: 'fp', fp: r.raw(FINGERPRINT_BYTES).slice(), count: r.varint() })
        } else if (kind === 1) {
          const m = r.count(MAX_SUMMARY_ENTRIES - total, 'summary entry')
          total += m
          const entries: DocSummary[] = []
          for (let j = 0; j < m; j++) {
            const docId = r.id() as PatientId
            if (range.lo > docId || (range.hi !== undefined && docId >= range.hi))
              throw new MalformedFrameError('entry outside its range')
            const prev = entries[entries.length - 1]
            if (prev !== undefined && prev.docId >= docId) throw new MalformedFrameError('entries not sorted')
            entries.push({ docId, fp: r.raw(FINGERPRINT_BYTES).slice(), count: r.varint() })
          }
          ranges.push({ ...range, kind: 'entries', entries })
        } else throw new MalformedFrameError('summary range kind')
      }
      f = { type: 'summary', ranges }
      break
    }
    default:
      throw new UnknownFrameTypeError(type)
  }
  r.end()
  return f
}
