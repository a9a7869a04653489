/**
 * A live patient document for the screens: the automerge-repo handle adapted once with
 * `createSubscriber`, plus the honest save state of this tab's edits. Screens get the document as
 * plain data (`readPatient`: the document stores strings as Automerge immutable strings), and its
 * open conflicts, which only the Automerge document knows.
 *
 * "Saved" means the facility node's durably sealed heads include every change this tab made
 * (checked against the document's history, never assumed from a sent message).
 */
import { createSubscriber } from 'svelte/reactivity'
import type { DocHandle } from '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { openConflicts, readPatient } from '@pagdandi/core/record'
import type { Author, ChangeContext, Conflict, PatientDoc, PatientId, FacilityId } from '@pagdandi/core/record'
import { authorOf } from '@pagdandi/core/staff'
import { api, type EntryProvenance } from '../api.js'
import { headsCover, openPatient, toHashes } from '../repo.js'
import { NodeRequestError } from '../errors.js'
import { session } from './session.svelte.js'

/**
 * `saving`: the node has not yet confirmed; `saved`: it has; `offline`: the node cannot be asked;
 * `signIn`: the session ended, the edit waits in this tab until its member signs in again;
 * `refused`: the node's `/sync` gate refused this tab's change (`refusal` names why).
 */
export type SaveState = 'idle' | 'saving' | 'saved' | 'offline' | 'signIn' | 'refused'

// Sealing is local to the node; a second is plenty between checks.
const CHECK_MS = 800
// Who wrote what changes only when the record does: ask once the edits of a moment have settled.
const PROVENANCE_MS = 1200

/** A patient's document as a reactive value, with change functions that track durability. */
export class PatientRecord {
  readonly patientId: PatientId
  readonly handle: DocHandle<PatientDoc>
  #pending: string[] = []
  #save = $state<SaveState>('idle')
  #timer: ReturnType<typeof setTimeout> | undefined
  #subscribe: () => void
  // The last document read and its plain copy: an Automerge document is immutable, so one copy per version.
  #read: { raw: A.Doc<PatientDoc>; plain: PatientDoc } | undefined
  #refusal = $state<string | undefined>(undefined)
  #provenance = $state<ReadonlyMap<string, EntryProvenance>>(new Map())
  #provenanceTimer: ReturnType<typeof setTimeout> | undefined
  /** Who is signed in here: their entries name them (ChangeContext.by). */
  by: Author | undefined

  constructor(patientId: PatientId, handle: DocHandle<PatientDoc>, by?: Author) {
    this.patientId = patientId
    this.handle = handle
    this.by = by
    this.#subscribe = createSubscriber(update => {
      handle.on('change', update)
      return () => handle.off('change', update)
    })
    // The node's /sync gate says why it refused a change, on this document (docs/PROTOCOL.md).
    handle.on('ephemeral-message', ({ message }) => {
      const refused = (message as { refused?: { name?: unknown } } | null)?.refused
      if (typeof refused?.name !== 'string') return
      // Not a verdict on the change: the session ended. It is sent again once signed in.
      if (refused.name === 'SignInRequiredError') {
        this.#save = 'signIn'
        session.expire()
        this.#scheduleCheck(CHECK_MS)
        return
      }
      this.#refusal = refused.name
      this.#save = 'refused'
      clearTimeout(this.#timer)
    })
    handle.on('change', () => {
      this.#scheduleProvenance()
    })
    this.#scheduleProvenance()
  }

  /** The name of the error the node refused this tab's last change with, if it did. */
  get refusal(): string | undefined {
    return this.#refusal
  }

  /** Who wrote each entry, by path (`encounters/<id>` …), as the signing facilities vouched. */
  get provenance(): ReadonlyMap<string, EntryProvenance> {
    return this.#provenance
  }

  #scheduleProvenance(): void {
    clearTimeout(this.#provenanceTimer)
    this.#provenanceTimer = setTimeout(() => {
      api.provenance(this.patientId).then(
        p => {
          this.#provenance = new Map(p.entries.map(e => [e.path, e]))
        },
        () => {}
      )
    }, PROVENANCE_MS)
  }

  /** The document now, as plain data (including other tabs' and facilities' edits as they arrive). */
  get current(): PatientDoc {
    this.#subscribe()
    const raw = this.handle.doc()
    if (this.#read?.raw !== raw) this.#read = { raw, plain: readPatient(raw) }
    return this.#read.plain
  }

  /** The document's open conflicts now (found on the Automerge document; values are plain). */
  get conflicts(): Conflict[] {
    this.#subscribe()
    return openConflicts(this.handle.doc())
  }

  /** Whether this tab's edits are durably saved at the node. */
  get saveState(): SaveState {
    return this.#save
  }

  /**
   * Applies one change made by `fn` (a record change function). Throws the record module's named
   * error, leaving the document untouched, when the input is invalid.
   */
  change<R>(facility: FacilityId, fn: (d: PatientDoc, ctx: ChangeContext) => R): R {
    const ctx: ChangeContext = {
      facility,
      at: new Date().toISOString(),
      ...(this.by === undefined ? {} : { by: this.by })
    }
    // Validate on a scratch copy first: a throw inside handle.change would still leave a partial change.
    let scratch = A.clone(this.handle.doc())
    try {
      scratch = A.change(scratch, d => {
        fn(d as PatientDoc, ctx)
      })
    } finally {
      A.free(scratch)
    }
    let result!: R
    this.handle.change(d => {
      result = fn(d as PatientDoc, ctx)
    })
    this.#pending = toHashes(A.getHeads(this.handle.doc()))
    this.#save = 'saving'
    this.#scheduleCheck(0)
    return result
  }

  /** Stops checking for durability (the screen closed). */
  close(): void {
    clearTimeout(this.#timer)
    clearTimeout(this.#provenanceTimer)
  }

  #scheduleCheck(ms: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      void this.#check()
    }, ms)
  }

  async #check(): Promise<void> {
    const want = this.#pending
    if (this.#save === 'refused') return
    try {
      const durable = toHashes(await api.durableHeads(this.patientId))
      if (headsCover(this.handle.doc(), durable, want)) {
        if (want === this.#pending) this.#save = 'saved'
        return
      }
      this.#save = 'saving'
    } catch (err) {
      this.#save = err instanceof NodeRequestError && err.status === 401 ? 'signIn' : 'offline'
    }
    this.#scheduleCheck(CHECK_MS)
  }
}

/** Opens a patient's live record. */
export async function loadPatient(patientId: PatientId): Promise<PatientRecord> {
  // The node keeps records cold until used; asking for the durable heads brings this one into
  // memory, so the sync request that follows is answered. Offline, the request fails: go on.
  await api.durableHeads(patientId).catch((err: unknown) => {
    // Erased here (consent withdrawn or expired): there is nothing to open, and the screen says so.
    if (err instanceof NodeRequestError && err.remoteName === 'PatientErasedError') throw err
  })
  // Entries name who is signed in; a node without sign-in (or none signed in) names nobody.
  const session = await api.session().catch(() => undefined)
  return new PatientRecord(patientId, await openPatient(patientId), session && authorOf(session.staff))
}
