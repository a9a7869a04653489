/**
 * Erasure everywhere (docs/PROTOCOL.md, "Erasure request"; DPDP Act withdrawal of consent): the home
 * facility issues a signed erasure request that travels, as a notice, to every facility holding the
 * record; each holder crypto-shreds its key generations, each carrier drops the items, and each
 * confirms with a signed notice. The home facility shows who has confirmed and who has not been reached.
 */
import {
  decodeErasureConfirmation,
  decodeErasureRequest,
  encodeErasureConfirmation,
  encodeErasureRequest,
  ErasureNotByHomeError,
  ErasureNotIssuedError,
  NOTICE_ERASURE_CONFIRMATION,
  NOTICE_ERASURE_REQUEST,
  type ErasureRequest
} from '@pagdandi/core/consent'
import { accessFirstCreator, decodeItemHeader, isAccessKind, itemId, rosterEntry } from '@pagdandi/core/crypto'
import type { ErasureStatus } from '@pagdandi/core/api'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import type { ErasureService } from './ErasureService.js'
import { ignoreGone, publishNotice, readNotice, readNotices } from './notices.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'store' | 'bridge' | 'sealer' | 'roster' | 'replication' | 'now' | 'log'>

interface Issued {
  request: string
  issuedAt: number
  expected: FacilityId[]
}

const ISSUED = 'erasure/issued'

/** Issuing, answering and following erasure requests. */
export class EverywhereService {
  readonly #parts: Parts
  readonly #erasure: ErasureService
  /** Requests this node has not acted on yet (it held nothing of the record when they came). */
  readonly #pending = new Map<PatientId, { id: string; author: FacilityId; request: ErasureRequest }>()
  #queue: Promise<unknown> = Promise.resolve()

  constructor(parts: Parts, erasure: ErasureService) {
    this.#parts = parts
    this.#erasure = erasure
  }

  /**
   * The home facility's request to erase the record everywhere: refused by name unless this
   * facility created it. The request is stored and sent, then the record is erased here too.
   */
  async issue(patientId: PatientId): Promise<ErasureStatus> {
    const { store, sealer, self, roster } = this.#parts
    if (sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const access = accessFirstCreator(
      patientId,
      (await store.accessItems(patientId)).map(i => ({ id: i.id, header: decodeItemHeader(i.bytes) }))
    )
    if (access.creator === undefined && !sealer.canOpen(patientId)) throw new PatientNotFoundError(patientId)
    if (access.creator !== self.facility) throw new ErasureNotByHomeError(patientId, self.facility, access.creator)
    const holders = new Set<FacilityId>()
    for (const set of access.holders.values()) for (const f of set) holders.add(f)
    const expected = new Set<FacilityId>([...holders].filter(f => f !== self.facility))
    for (const e of roster.current?.body.entries ?? [])
      if (e.facility !== self.facility && e.carriesFor.some(f => holders.has(f))) expected.add(e.facility)
    const issuedAt = this.#parts.now().getTime()
    const request = await publishNotice(
      this.#parts,
      NOTICE_ERASURE_REQUEST,
      encodeErasureRequest({ record: patientId, issuedAt, reason: 'consent-withdrawn' })
    )
    const issued = await this.#issued()
    issued[patientId] = { request, issuedAt, expected: [...expected].sort() }
    await this.#writeIssued(issued)
    await this.#erasure.erase(patientId)
    this.#parts.log('erasure').info(`erasure of ${patientId} requested of ${expected.size} facilities`)
    return await this.status(patientId)
  }

  /** Who confirmed the erasure request this facility issued for the record, and who has not been reached. */
  async status(patientId: PatientId): Promise<ErasureStatus> {
    const issued = (await this.#issued())[patientId]
    if (issued === undefined) throw new ErasureNotIssuedError(patientId)
    const confirmations = new Map<FacilityId, { erasedAt: number; held: 'keys' | 'items' }>()
    for (const n of await readNotices(this.#parts)) {
      if (n.notice.noticeType !== NOTICE_ERASURE_CONFIRMATION) continue
      const c = decodeErasureConfirmation(n.notice.payload)
      if (c.record === patientId && c.request === issued.request && !confirmations.has(n.notice.author))
        confirmations.set(n.notice.author, { erasedAt: c.erasedAt, held: c.held })
    }
    const roster = this.#parts.roster.current
    const facilities = [...new Set([...issued.expected, ...confirmations.keys()])].sort().map(f => {
      const c = confirmations.get(f)
      const name = (roster === undefined ? undefined : rosterEntry(roster, f)?.name) ?? f
      return c === undefined
        ? { facility: f, name, state: 'not-reached' as const }
        : { facility: f, name, state: 'confirmed' as const, erasedAt: new Date(c.erasedAt).toISOString(), held: c.held }
    })
    const confirmed = facilities.filter(f => f.state === 'confirmed').length
    return {
      patientId,
      request: issued.request,
      issuedAt: new Date(issued.issuedAt).toISOString(),
      facilities,
      confirmed,
      notReached: facilities.length - confirmed
    }
  }

  /** Every erasure request issued here, newest first. */
  async list(): Promise<ErasureStatus[]> {
    const issued = await this.#issued()
    const ids = Object.keys(issued).sort((a, b) => issued[b]!.issuedAt - issued[a]!.issuedAt)
    return await Promise.all(ids.map(async id => await this.status(id as PatientId)))
  }

  /** Acts on the erasure requests among newly stored items, and on pending ones their record's grants now let it judge. */
  async received(items: readonly { bytes: Uint8Array }[]): Promise<void> {
    await this.#serial(async () => {
      const touched = new Set<PatientId>()
      for (const { bytes } of items) {
        const read = readNotice(bytes, this.#parts)
        if (read?.notice.noticeType === NOTICE_ERASURE_REQUEST) {
          const request = decodeErasureRequest(read.notice.payload)
          this.#pending.set(request.record, {
            id: itemId(bytes, this.#parts.sealer.scheme),
            author: read.notice.author,
            request
          })
          touched.add(request.record)
        } else {
          try {
            const h = decodeItemHeader(bytes)
            if (isAccessKind(h.kind)) touched.add(h.docId)
          } catch {
            // not an item this node can read the header of: nothing to act on
          }
        }
      }
      for (const record of touched) await this.#act(record)
    })
  }

  /** At start: every erasure request in the store not yet answered here is acted on (a crash between erasing and confirming). */
  async resume(): Promise<void> {
    await this.#serial(async () => {
      for (const n of await readNotices(this.#parts)) {
        if (n.notice.noticeType !== NOTICE_ERASURE_REQUEST) continue
        const request = decodeErasureRequest(n.notice.payload)
        this.#pending.set(request.record, { id: n.id, author: n.notice.author, request })
      }
      for (const record of [...this.#pending.keys()]) await this.#act(record)
    })
  }

  async #act(record: PatientId): Promise<void> {
    const pending = this.#pending.get(record)
    if (pending === undefined) return
    const { store, sealer, self } = this.#parts
    if (pending.author === self.facility) {
      this.#pending.delete(record)
      return
    }
    const mine = (await readNotices(this.#parts)).some(
      n =>
        n.notice.author === self.facility &&
        n.notice.noticeType === NOTICE_ERASURE_CONFIRMATION &&
        decodeErasureConfirmation(n.notice.payload).request === pending.id
    )
    if (mine) {
      this.#pending.delete(record)
      return
    }
    const erased = sealer.isErased(record)
    const access = (await store.accessItems(record)).map(i => ({ id: i.id, header: decodeItemHeader(i.bytes) }))
    // Holding nothing of the record, this node cannot tell its home: it only forwards the request,
    // and acts if the record's grants reach it later.
    if (!erased && access.length === 0) return
    if (!erased) {
      const creator = accessFirstCreator(record, access).creator
      if (creator !== pending.author) {
        this.#parts
          .log('erasure')
          .warn(`${new ErasureNotByHomeError(record, pending.author, creator).message}: ignored`)
        this.#pending.delete(record)
        return
      }
    }
    const held = erased || sealer.canOpen(record) ? 'keys' : 'items'
    if (!erased) await this.#erasure.erase(record).catch(ignoreGone)
    await publishNotice(
      this.#parts,
      NOTICE_ERASURE_CONFIRMATION,
      encodeErasureConfirmation({
        record,
        erasedAt: this.#parts.now().getTime(),
        cause: 'erasure-request',
        held,
        request: pending.id
      })
    )
    this.#pending.delete(record)
    this.#parts.log('erasure').info(`erased ${record} at the request of ${pending.author}, and confirmed`)
  }

  async #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return await run
  }

  async #issued(): Promise<Record<string, Issued>> {
    const v = await this.#parts.store.getKv?.(ISSUED)
    return v === undefined ? {} : (JSON.parse(new TextDecoder().decode(v)) as Record<string, Issued>)
  }

  async #writeIssued(issued: Record<string, Issued>): Promise<void> {
    await this.#parts.store.putKv?.(ISSUED, new TextEncoder().encode(JSON.stringify(issued)))
  }
}
