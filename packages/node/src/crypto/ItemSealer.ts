/**
 * `DocSealer` over core/crypto: seals this facility's changes and grants, and opens what it can.
 * Document keys live only in the in-memory `Keyring`; on disk they exist only inside grant items
 * (sealed with `box` to a facility's key), so a change and the key that reads it are stored in the
 * same atomic batch (see docs/SPEC.md, "Node").
 */
import { bytesEqual } from '@pagdandi/core'
import {
  computeAccess,
  decodeItemHeader,
  isAccessKind,
  itemId,
  newDocumentKey,
  openGrant,
  openItem,
  rosterEntry,
  sealChange,
  sealGrant,
  UndecryptableItemError,
  verifyItem,
  type ChangeProvenance,
  type Compression,
  type DocumentKey,
  type FacilityIdentity,
  type Keyring,
  type RosterEntry,
  type SignatureScheme,
  type VerifiedRoster
} from '@pagdandi/core/crypto'
import { nodeCompression } from './index.js'
import type { FacilityId, PatientId } from '@pagdandi/core/record'
import type { DocSealer, OpenedItem } from '../repo/bridgePorts.js'
import { NotOnRosterError } from '../keyring/errors.js'

/** Seals and opens items with the facility's keyring, judged against the current roster. */
export class ItemSealer implements DocSealer {
  /** Self-grants made but not yet known to be stored, so a retry stores the same bytes. */
  readonly #selfGrants = new Map<string, Uint8Array>()
  /**
   * Keys of a generation other than the keyring's: two holders that rotated concurrently each
   * granted their own key for the same generation. Changes sealed under a losing key still open
   * with it; the keyring (what we seal and grant with) holds the winner's (see `settle`).
   */
  readonly #candidates = new Map<string, DocumentKey[]>()
  /** Documents erased here: no key for them is ever learned again. */
  readonly #erased = new Set<string>()

  constructor(
    readonly keyring: Keyring,
    public roster: VerifiedRoster | undefined,
    readonly scheme: SignatureScheme,
    /** node:zlib by default: about 3× faster inflate than the isomorphic fflate (bench/README.md, Crypto). */
    readonly compression: Compression = nodeCompression()
  ) {}

  get identity(): FacilityIdentity {
    return this.keyring.identity
  }

  /** This facility's id: the creator every document made here is bound to. */
  get facility(): FacilityId {
    return this.keyring.identity.facility
  }

  get #rosterVersion(): number {
    return this.roster?.body.version ?? 0
  }

  /** This facility as a grant recipient: the roster entry if present, else built from the identity. */
  #self(): RosterEntry {
    const id = this.identity
    const listed = this.roster !== undefined ? rosterEntry(this.roster, id.facility) : undefined
    return (
      listed ?? {
        facility: id.facility,
        name: id.facility,
        kind: 'CHC',
        district: '',
        signingKey: id.signing.publicKey,
        boxKey: id.box.publicKey,
        peerId: '',
        addresses: [],
        carriesFor: []
      }
    )
  }

  canOpen(docId: string): boolean {
    return this.keyring.latest(docId as PatientId) !== undefined
  }

  ensureKey(docId: string): Uint8Array[] {
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
  keyStored(docId: string): void {
    this.#selfGrants.delete(docId)
  }

  /** `compression` replaces the sealer's own for this call (importCold's deflate-once wrapper). */
  sealChange(
    docId: string,
    changes: Uint8Array,
    provenance?: ChangeProvenance,
    compression: Compression = this.compression
  ): Uint8Array {
    const key = this.keyring.latest(docId as PatientId)
    if (key === undefined) throw new TypeError(`no key for ${docId}: ensureKey first`)
    return sealChange(changes, key, this.identity, this.#rosterVersion, this.scheme, compression, provenance)
  }

  /**
   * Grants every generation this facility holds, so the recipient can read the whole history.
   * With `terms` (encoded consent terms, core/consent), each grant is a consent grant carrying them.
   */
  grantAll(docId: string, to: FacilityId, terms?: Uint8Array): Uint8Array[] {
    const entry = this.roster !== undefined ? rosterEntry(this.roster, to) : undefined
    if (entry === undefined) throw new NotOnRosterError(to)
    return this.keyring
      .generations(docId as PatientId)
      .map(g =>
        sealGrant(
          this.keyring.get(docId as PatientId, g)!,
          this.identity,
          entry,
          this.#rosterVersion,
          this.scheme,
          terms
        )
      )
  }

  grant(docId: string, to: string): Uint8Array {
    return this.grantAll(docId, to as FacilityId)[0]!
  }

  /**
   * Opens an item. `trusted` skips the signature check for items this node already verified
   * when it stored them (the start-up scan); anything from outside is verified first.
   */
  open(bytes: Uint8Array, trusted = false): OpenedItem {
    const header =
      trusted || this.roster === undefined ? decodeItemHeader(bytes) : verifyItem(bytes, this.roster, this.scheme)
    const docId = header.docId
    const me = this.identity.facility
    if (this.#erased.has(docId)) return { kind: 'opaque', docId }
    // A card item opens only with the card's secret (CardService); a revocation carries no key.
    if (header.kind === 'card' || header.kind === 'card-revocation') return { kind: 'opaque', docId }
    if (header.kind === 'grant' || header.kind === 'card-grant') {
      if (header.recipient !== me) return { kind: 'opaque', docId }
      if (header.author === me) {
        // Our own grant: box to ourselves, openable with our identity even before any roster.
        this.#learn(openGrant(bytes, this.identity, this.roster ?? selfRoster(this.#self()), { docId }))
        return { kind: 'key', docId }
      }
      if (this.roster === undefined) return { kind: 'opaque', docId }
      this.#learn(openGrant(bytes, this.identity, this.roster, { docId }))
      return { kind: 'key', docId }
    }
    // A key that does not open the item may be the wrong candidate (concurrent rotations); a key
    // that opens it and finds a payload that does not decode (a bomb, a corrupt stream) is the
    // author's doing, and is thrown so the item is refused as evidence instead of held as opaque.
    let failure: Error | undefined
    for (const key of this.#keysOf(docId, header.generation)) {
      let opened
      try {
        opened = openItem(bytes, key, { docId, generation: header.generation }, this.scheme, this.compression)
      } catch (err) {
        if (!(err instanceof UndecryptableItemError) && err instanceof Error) failure ??= err
        continue
      }
      if (opened.kind === 'change')
        return {
          kind: 'change',
          docId,
          changes: opened.change,
          facility: header.author,
          ...(opened.provenance === undefined ? {} : { provenance: opened.provenance })
        }
      if (opened.kind === 'rotation') {
        for (const k of opened.previous) this.#learn(k)
        return { kind: 'key', docId }
      }
    }
    if (failure !== undefined) throw failure
    // No key of ours opens it (yet): a grant or rotation may arrive later; the bridge retries.
    return { kind: 'opaque', docId }
  }

  /** The keyring's key of a generation first, then keys of concurrent, losing rotations. */
  #keysOf(docId: string, generation: number): DocumentKey[] {
    const held = this.keyring.get(docId as PatientId, generation)
    const others = (this.#candidates.get(docId) ?? []).filter(k => k.generation === generation)
    return held !== undefined ? [held, ...others] : others
  }

  /** Keeps the first key of each generation in the keyring; another one becomes a candidate. */
  #learn(key: DocumentKey): void {
    const held = this.keyring.get(key.docId, key.generation)
    if (held === undefined) {
      this.keyring.put(key)
      return
    }
    if (bytesEqual(held.key, key.key)) return
    const list = this.#candidates.get(key.docId) ?? []
    if (!list.some(k => k.generation === key.generation && bytesEqual(k.key, key.key))) list.push(key)
    this.#candidates.set(key.docId, list)
  }

  /**
   * Makes the keyring hold, for every rotated generation, the key of the rotation that wins
   * (core `computeAccess`: the smallest item id among valid concurrent rotations), so that all
   * holders seal later changes under one key. `items` are the document's stored items.
   * Returns true when the key we seal with changed.
   */
  settle(docId: string, items: Uint8Array[]): boolean {
    if (this.#erased.has(docId) || !this.#candidates.has(docId)) return false
    const access = items
      .map(bytes => ({ bytes, id: itemId(bytes), header: decodeItemHeader(bytes) }))
      .filter(i => isAccessKind(i.header.kind))
    const result = computeAccess(docId as PatientId, access)
    const losers = new Set(result.rejected.map(r => r.id))
    let changed = false
    for (const rot of access) {
      if (rot.header.kind !== 'rotation' || losers.has(rot.id)) continue
      const keys = this.#keysOf(docId, rot.header.generation)
      const winner = keys.find(k => {
        try {
          openItem(rot.bytes, k, { docId: docId as PatientId }, this.scheme, this.compression)
          return true
        } catch {
          return false
        }
      })
      const held = keys[0]
      if (winner === undefined || held === undefined || winner === held) continue
      this.keyring.put(winner)
      const list = (this.#candidates.get(docId) ?? []).filter(k => k !== winner)
      list.push(held)
      this.#candidates.set(docId, list)
      changed = true
    }
    return changed
  }

  /** Crypto-shredding in memory: zero every generation (and candidate) and refuse the document from now on. */
  erase(docId: string): number {
    this.#erased.add(docId)
    this.#selfGrants.delete(docId)
    const candidates = this.#candidates.get(docId) ?? []
    for (const k of candidates) k.key.fill(0)
    this.#candidates.delete(docId)
    return this.keyring.erase(docId as PatientId) + candidates.length
  }

  /** Every key generation held for a document (the document index records them). */
  keysOf(docId: string): DocumentKey[] {
    const id = docId as PatientId
    return this.keyring.generations(id).map(g => this.keyring.get(id, g)!)
  }

  /** Keys of concurrent rotations are held for it (the document index reloads it from its items). */
  unsettled(docId: string): boolean {
    return this.#candidates.has(docId)
  }

  /** Keys read back from the document index at start (sealed by this node, under its keyring). */
  restoreKeys(keys: readonly DocumentKey[]): void {
    for (const k of keys) if (!this.#erased.has(k.docId)) this.#learn(k)
  }

  /** Marks documents erased in an earlier run (from the store), before any item is opened. */
  markErased(docIds: Iterable<string>): void {
    for (const id of docIds) this.#erased.add(id)
  }

  /** Whether the document was erased here. */
  isErased(docId: string): boolean {
    return this.#erased.has(docId)
  }
}

/** A one-entry roster holding only this facility, for opening its own grants before it joins one. */
function selfRoster(self: RosterEntry): VerifiedRoster {
  return {
    body: { network: '', version: 0, entries: [self], revocations: [] },
    authorityKey: new Uint8Array(32),
    bytes: new Uint8Array(0)
  }
}
