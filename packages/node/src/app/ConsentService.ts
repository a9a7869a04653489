/**
 * Consent with an expiry (docs/PROTOCOL.md, "Consent grant"): the home facility shares a record under
 * ABDM consent terms; the receiving facility records the terms and, once its clock reaches
 * `dataEraseAt`, erases the record (its key generations and items) and seals a confirmation notice
 * the home facility shows ("erased at DH X on …").
 */
import {
  decodeConsentTerms,
  decodeErasureConfirmation,
  encodeConsentTerms,
  encodeErasureConfirmation,
  NOTICE_ERASURE_CONFIRMATION,
  validateConsentTerms
} from '@pagdandi/core/consent'
import { decodeItemHeader, openGrantWithTerms, rosterEntry } from '@pagdandi/core/crypto'
import type { ConsentReport, GivenConsent, HeldConsent, ShareOutcome } from '@pagdandi/core/api'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import { PatientErasedError, PatientNotFoundError } from '../http/errors.js'
import { NotOnRosterError } from '../keyring/errors.js'
import type { ErasureService } from './ErasureService.js'
import { ignoreGone, publishNotice, readNotices } from './notices.js'
import type { NodeParts } from './parts.js'

type Parts = Pick<NodeParts, 'self' | 'store' | 'bridge' | 'sealer' | 'roster' | 'replication' | 'now' | 'log'>

const HELD = 'consent/held'
const given = (id: string): string => `consent/given/${id}`

/** Sharing under consent terms, the held-consent index, and the expiry sweep. */
export class ConsentService {
  readonly #parts: Parts
  readonly #erasure: ErasureService
  /** `learn` and the sweep both rewrite the held-consent index: one at a time. */
  #queue: Promise<unknown> = Promise.resolve()
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(parts: Parts, erasure: ErasureService) {
    this.#parts = parts
    this.#erasure = erasure
  }

  /**
   * Grants the record to `to` (every generation held), as consent grants when `consent` is given.
   * Resolves once the grants are durably stored; they travel like a referral's.
   */
  async share(patientId: PatientId, to: string, consent?: unknown): Promise<ShareOutcome> {
    const { bridge, sealer, roster } = this.#parts
    const terms = consent === undefined ? undefined : validateConsentTerms(consent)
    if (sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    if (!sealer.canOpen(patientId)) throw new PatientNotFoundError(patientId)
    if (roster.current === undefined || rosterEntry(roster.current, to as FacilityId) === undefined)
      throw new NotOnRosterError(to)
    if (to === this.#parts.self.facility) throw new NotOnRosterError(to)
    const grants = sealer.grantAll(
      patientId,
      to as FacilityId,
      terms === undefined ? undefined : encodeConsentTerms(terms)
    )
    await bridge.flushWith(patientId, grants)
    const list = await this.#readJson<Omit<GivenConsent, 'toName' | 'erased'>[]>(given(patientId), [])
    list.push({
      to: to as FacilityId,
      sharedAt: this.#parts.now().toISOString(),
      ...(terms === undefined ? {} : { terms })
    })
    await this.#writeJson(given(patientId), list)
    return { patientId, to: to as FacilityId, grants: grants.length }
  }

  /**
   * Records the terms of consent grants addressed here among newly stored items, before the
   * document index may pass them (FacilityNode calls it first), so a restart still knows them.
   */
  async learn(items: readonly { bytes: Uint8Array }[]): Promise<void> {
    await this.#serial(async () => await this.#learn(items))
  }

  async #learn(items: readonly { bytes: Uint8Array }[]): Promise<void> {
    const { sealer, roster, self } = this.#parts
    const r = roster.current
    if (r === undefined) return
    const found: HeldConsent[] = []
    for (const { bytes } of items) {
      let h
      try {
        h = decodeItemHeader(bytes)
      } catch {
        continue
      }
      if (h.kind !== 'grant' || h.consent !== true || h.recipient !== self.facility || h.author === self.facility)
        continue
      try {
        const { terms } = openGrantWithTerms(bytes, sealer.identity, r, undefined, sealer.scheme)
        if (terms !== undefined) found.push({ record: h.docId, granter: h.author, terms: decodeConsentTerms(terms) })
      } catch (err) {
        this.#parts.log('erasure').warn(`consent grant for ${h.docId} does not open: ${(err as Error).name}`)
      }
    }
    if (found.length === 0) return
    const held = await this.#held()
    for (const c of found) {
      const was = held[c.record]
      // The earliest dataEraseAt of the consents given to us for a record is the one that holds.
      if (was === undefined || Date.parse(c.terms.dataEraseAt) < Date.parse(was.terms.dataEraseAt)) held[c.record] = c
    }
    await this.#writeJson(HELD, held)
  }

  /**
   * Erases every record whose consent's `dataEraseAt` the clock has reached, and confirms each to
   * its home facility. Runs at start (before the API answers) and every second. Returns how many.
   */
  async sweep(): Promise<number> {
    return await this.#serial(async () => await this.#sweep())
  }

  /** Checks expiry every second against the node's clock (`now`; a test clock in tests), until `stopSweeping`. */
  sweepEverySecond(): void {
    this.#timer ??= setInterval(() => {
      void this.sweep().catch((err: unknown) =>
        this.#parts.log('erasure').error(`consent expiry: ${(err as Error).name}`)
      )
    }, 1000)
    this.#timer.unref()
  }

  stopSweeping(): void {
    clearInterval(this.#timer)
  }

  async #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return await run
  }

  async #sweep(): Promise<number> {
    const held = await this.#held()
    const now = this.#parts.now()
    const due = Object.values(held).filter(c => Date.parse(c.terms.dataEraseAt) <= now.getTime())
    if (due.length === 0) return 0
    const confirmed = new Set(
      (await readNotices(this.#parts))
        .filter(
          n => n.notice.author === this.#parts.self.facility && n.notice.noticeType === NOTICE_ERASURE_CONFIRMATION
        )
        .map(n => decodeErasureConfirmation(n.notice.payload).record)
    )
    for (const c of due) {
      if (!this.#parts.sealer.isErased(c.record)) await this.#erasure.erase(c.record).catch(ignoreGone)
      if (!confirmed.has(c.record)) {
        const payload = encodeErasureConfirmation({
          record: c.record,
          erasedAt: now.getTime(),
          cause: 'consent-expired',
          held: 'keys'
        })
        await publishNotice(this.#parts, NOTICE_ERASURE_CONFIRMATION, payload)
      }
      delete held[c.record]
      this.#parts.log('erasure').info(`consent for ${c.record} expired: erased here and confirmed to ${c.granter}`)
    }
    await this.#writeJson(HELD, held)
    return due.length
  }

  /** The consents this facility gave for a record, with each recipient's erasure confirmation, and the one it holds. */
  async report(patientId: PatientId): Promise<ConsentReport> {
    const list = await this.#readJson<Omit<GivenConsent, 'toName' | 'erased'>[]>(given(patientId), [])
    const confirmations = (await readNotices(this.#parts))
      .filter(n => n.notice.noticeType === NOTICE_ERASURE_CONFIRMATION)
      .map(n => ({ by: n.notice.author, c: decodeErasureConfirmation(n.notice.payload) }))
      .filter(x => x.c.record === patientId)
    const roster = this.#parts.roster.current
    const held = (await this.#held())[patientId]
    return {
      patientId,
      given: list.map(g => {
        const c = confirmations.find(x => x.by === g.to)
        return {
          ...g,
          toName: (roster === undefined ? undefined : rosterEntry(roster, g.to)?.name) ?? g.to,
          ...(c === undefined ? {} : { erased: { at: new Date(c.c.erasedAt).toISOString(), cause: c.c.cause } })
        }
      }),
      ...(held === undefined ? {} : { held })
    }
  }

  async #held(): Promise<Record<string, HeldConsent>> {
    return await this.#readJson<Record<string, HeldConsent>>(HELD, {})
  }

  async #readJson<T>(key: string, fallback: T): Promise<T> {
    const v = await this.#parts.store.getKv?.(key)
    return v === undefined ? fallback : (JSON.parse(new TextDecoder().decode(v)) as T)
  }

  async #writeJson(key: string, value: unknown): Promise<void> {
    await this.#parts.store.putKv?.(key, new TextEncoder().encode(JSON.stringify(value)))
  }
}
