/**
 * `DocSealer` over core/crypto: seals this facility's changes and grants, and opens what it can.
 * Document keys live only in the in-memory `Keyring`; on disk they exist only inside grant items
 * (sealed with `box` to a facility's key), so a change and the key that reads it are stored in the
 * same atomic batch (see docs/SPEC.md, "Node").
 */
import {
  decodeItemHeader, newDocumentKey, openGrant, openItem, rosterEntry, sealChange, sealGrant, verifyItem,
  type FacilityIdentity, type Keyring, type RosterEntry, type SignatureScheme, type VerifiedRoster
} from '@pagdandi/core/crypto'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { DocSealer, OpenedItem } from '../repo/ports.js'
import { NotOnRosterError } from './errors.js'

/** Seals and opens items with the facility's keyring, judged against the current roster. */
export class ItemSealer implements DocSealer {
  /** Self-grants made but not yet known to be stored, so a retry stores the same bytes. */
  readonly #selfGrants = new Map<string, Uint8Array>()

  constructor (
    readonly keyring: Keyring,
    public roster: VerifiedRoster | undefined,
    readonly scheme: SignatureScheme
  ) {}

  get identity (): FacilityIdentity { return this.keyring.identity }

  get #rosterVersion (): number { return this.roster?.body.version ?? 0 }

  /** This facility as a grant recipient: the roster entry if present, else built from the identity. */
  #self (): RosterEntry {
    const id = this.identity
    const listed = this.roster !== undefined ? rosterEntry(this.roster, id.facility) : undefined
    return listed ?? {
      facility: id.facility, name: id.facility, kind: 'CHC', district: '', signingKey: id.signing.publicKey,
      boxKey: id.box.publicKey, peerId: '', addresses: [], carriesFor: []
    }
  }

  canOpen (docId: string): boolean {
    return this.keyring.latest(docId as PatientId) !== undefined
  }

  ensureKey (docId: string): Uint8Array[] {
    const made = this.#selfGrants.get(docId)
    if (made !== undefined) return [made]
    let key = this.keyring.latest(docId as PatientId)
    if (key === undefined) {
      key = newDocumentKey(docId as PatientId, 0)
      this.keyring.put(key)
    }
    const grant = sealGrant(key, this.identity, this.#self(), this.#rosterVersion, this.scheme)
    this.#selfGrants.set(docId, grant)
    return [grant]
  }

  /** Called once the self-grant is durably stored. */
  keyStored (docId: string): void {
    this.#selfGrants.delete(docId)
  }

  sealChange (docId: string, changes: Uint8Array): Uint8Array {
    const key = this.keyring.latest(docId as PatientId)
    if (key === undefined) throw new TypeError(`no key for ${docId}: ensureKey first`)
    return sealChange(changes, key, this.identity, this.#rosterVersion, this.scheme)
  }

  /** Grants every generation this facility holds, so the recipient can read the whole history. */
  grantAll (docId: string, to: FacilityId): Uint8Array[] {
    const entry = this.roster !== undefined ? rosterEntry(this.roster, to) : undefined
    if (entry === undefined) throw new NotOnRosterError(to)
    return this.keyring.generations(docId as PatientId).map(g =>
      sealGrant(this.keyring.get(docId as PatientId, g)!, this.identity, entry, this.#rosterVersion, this.scheme))
  }

  grant (docId: string, to: string): Uint8Array {
    return this.grantAll(docId, to as FacilityId)[0]!
  }

  /**
   * Opens an item. `trusted` skips the signature check for items this node already verified
   * when it stored them (the start-up scan); anything from outside is verified first.
   */
  open (bytes: Uint8Array, trusted = false): OpenedItem {
    const header = trusted || this.roster === undefined ? decodeItemHeader(bytes) : verifyItem(bytes, this.roster, this.scheme)
    const docId = header.docId
    const me = this.identity.facility
    if (header.kind === 'grant') {
      if (header.recipient !== me) return { kind: 'opaque', docId }
      if (header.author === me) {
        // Our own grant: box to ourselves, openable with our identity even before any roster.
        const key = openGrant(bytes, this.identity, this.roster ?? selfRoster(this.#self()), { docId })
        this.keyring.put(key)
        return { kind: 'key', docId }
      }
      if (this.roster === undefined) return { kind: 'opaque', docId }
      this.keyring.put(openGrant(bytes, this.identity, this.roster, { docId }))
      return { kind: 'key', docId }
    }
    const key = this.keyring.get(docId, header.generation)
    if (key === undefined) return { kind: 'opaque', docId }
    const opened = openItem(bytes, key, { docId, generation: header.generation })
    if (opened.kind === 'change') return { kind: 'change', docId, changes: opened.change }
    if (opened.kind === 'rotation') {
      for (const k of opened.previous) this.keyring.put(k)
      return { kind: 'key', docId }
    }
    return { kind: 'opaque', docId }
  }
}

/** A one-entry roster holding only this facility, for opening its own grants before it joins one. */
function selfRoster (self: RosterEntry): VerifiedRoster {
  return {
    body: { network: '', version: 0, entries: [self], revocations: [] },
    authorityKey: new Uint8Array(32),
    bytes: new Uint8Array(0)
  }
}
