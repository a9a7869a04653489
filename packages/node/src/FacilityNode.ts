/**
 * The composition root of a facility node: keyring, item store, storage-less automerge-repo `Repo`
 * with its bridge to sealed items, derived views, HTTP/WebSocket server and the replicator.
 * It implements the HTTP API's `NodeApi`.
 */
import './polyfill.js'
import type * as A from '@automerge/automerge'
import { Repo, type PeerId } from '@automerge/automerge-repo'
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { verifyRoster, type SignatureScheme, type VerifiedRoster } from '@pagdandi/core/crypto'
import type { SyncTraffic } from '@pagdandi/core/api'
import { applyImport, exportPatientBundles, importBundle, registrationFromImport } from '@pagdandi/core/fhir'
import {
  advanceReferral,
  createReferral,
  currentStatus,
  newPatientDoc,
  readPatient,
  wrapStrings
} from '@pagdandi/core/record'
import type {
  ChangeContext,
  EntryId,
  FacilityId,
  PatientDoc,
  PatientId,
  ReferralInput,
  RegistrationInput
} from '@pagdandi/core/record'
import { nodeSignatureScheme } from './crypto/index.js'
import { HttpServer } from './http/HttpServer.js'
import { NotImplementedError, PatientErasedError, PatientNotFoundError } from './http/errors.js'
import type {
  ErasureReport,
  NodeApi,
  NodeStatus,
  ReferralSummary,
  RosterAccepted,
  RosterEntry as ApiRosterEntry
} from './http/NodeApi.js'
import { importRoster } from './keyring/authority.js'
import { DataDir, b64, type FacilityFile, type RosterFile } from './keyring/DataDir.js'
import { planRotation } from './keyring/rotate.js'
import { ItemSealer } from './keyring/ItemSealer.js'
import { NotOnRosterError } from './keyring/errors.js'
import { loadNodeKeys } from './keyring/keyringStore.js'
import type { NodeKeys } from './keyring/NodeKeys.js'
import type { NodeStore, ReplicatorLike, ReplicatorPeer } from './ports.js'
import { DocBridge, type StartProgress } from './repo/DocBridge.js'
import { RecordViews } from './repo/RecordViews.js'
import { SealedStorage } from './repo/SealedStorage.js'
import { seedPatients } from './repo/seed.js'
import { checkItem, entitledItems } from './repo/exchange.js'
import type { PatientSummary } from './repo/PatientIndex.js'

/** Everything a node needs besides its data directory and secret; tests inject the parts. */
export interface FacilityNodeOptions {
  data: string
  secret: string
  /** Listen for the UI and API; false for CLI commands that only touch the store. */
  http?: { host?: string; port?: number } | false
  uiDir?: string
  /** One-line operational log; never receives patient data. */
  log?: (line: string) => void
  now?: () => Date
  scheme?: SignatureScheme
  openStore: (dir: string) => Promise<NodeStore>
  /** Builds the replicator; omitted or returning undefined runs the node offline. */
  createReplicator?: (ctx: ReplicatorContext) => ReplicatorLike | undefined
  /** Progress of the start-up rebuild (items scanned). */
  onProgress?: StartProgress
}

/** What a replicator is built from. */
export interface ReplicatorContext {
  keys: NodeKeys
  facility: FacilityFile
  roster: VerifiedRoster | undefined
  store: NodeStore
  scheme: SignatureScheme
  /** Local routes from `routes.json` (DataDir.readRoutes), if any. */
  routes?: ReadonlyMap<string, readonly string[]>
}

/** A running facility node. */
export class FacilityNode implements NodeApi {
  readonly #opts: FacilityNodeOptions
  readonly #log: (line: string) => void
  readonly #now: () => Date
  #http: HttpServer | undefined
  #replicator: ReplicatorLike | undefined
  #referralSeq = new Map<string, number>()
  #stopped = false
  /** Where the HTTP server listens, once started. */
  url: string | undefined

  private constructor(
    opts: FacilityNodeOptions,
    readonly dataDir: DataDir,
    readonly facility: FacilityFile,
    readonly keys: NodeKeys,
    public verifiedRoster: VerifiedRoster | undefined,
    readonly store: NodeStore,
    readonly repo: Repo,
    readonly sealer: ItemSealer,
    readonly bridge: DocBridge,
    readonly views: RecordViews
  ) {
    this.#opts = opts
    this.#log = opts.log ?? (() => {})
    this.#now = opts.now ?? (() => new Date())
  }

  /** Opens the data directory, decrypts the keyring and rebuilds every openable document. */
  static async open(opts: FacilityNodeOptions): Promise<FacilityNode> {
    const dataDir = new DataDir(opts.data)
    const scheme = opts.scheme ?? nodeSignatureScheme()
    const facility = await dataDir.readFacility()
    const keys = await loadNodeKeys(dataDir, opts.secret)
    const roster = await loadRoster(dataDir, scheme)
    const store = await opts.openStore(dataDir.itemsDir)
    let http: HttpServer | undefined
    const network = []
    if (opts.http !== false && opts.http !== undefined) {
      http = new HttpServer(undefined, {
        ...opts.http,
        ...(opts.uiDir !== undefined ? { uiDir: opts.uiDir } : {}),
        ...(opts.log !== undefined ? { log: opts.log } : {})
      })
      network.push(
        new WebSocketServerAdapter(http.wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0])
      )
    }
    // A read-only storage adapter: it loads cold documents from sealed items and writes nothing, so
    // plaintext never reaches disk (Invariant 6). Browsers ask for documents by id, so the node
    // announces none (sharePolicy false) and 10,000 documents stay quiet.
    const storage = new SealedStorage()
    const repo = new Repo({
      network,
      storage,
      peerId: `node-${facility.facility}` as PeerId,
      sharePolicy: async () => false
    })
    const sealer = new ItemSealer(keys.keyring, roster, scheme)
    const bridge = new DocBridge(repo, store, sealer)
    storage.loader = async docId => await bridge.storedChanges(docId)
    const views = new RecordViews(facility.facility)
    const node = new FacilityNode(opts, dataDir, facility, keys, roster, store, repo, sealer, bridge, views)
    bridge.on('doc', (id, cold) => {
      // Read once per change: the views and the receipt check look at plain strings.
      const doc = (cold ?? bridge.doc(id)) as A.Doc<PatientDoc> | undefined
      const plain = doc === undefined ? undefined : readPatient(doc)
      views.refresh(id as PatientId, doc, plain)
      node.#acknowledgeReferrals(id as PatientId, plain)
    })
    bridge.on('error', err => {
      node.#log(`repo bridge: ${err.name}: ${err.message}`)
    })
    sealer.markErased((await store.erasedDocs?.()) ?? [])
    await bridge.start(opts.onProgress)
    // A roster revoking a holder may have been installed while the node was down (or the node
    // stopped before rotating): rotation is idempotent, so check every start.
    await node.#rotateRevoked()
    if (http !== undefined) {
      http.api = node
      node.#http = http
    }
    return node
  }

  /** Starts the HTTP server and the replicator. */
  async start(): Promise<void> {
    if (this.#http !== undefined) {
      const where = await this.#http.listen()
      this.url = where.url
    }
    const routes = await this.dataDir.readRoutes()
    this.#replicator = this.#opts.createReplicator?.({
      keys: this.keys,
      facility: this.facility,
      roster: this.verifiedRoster,
      store: this.store,
      scheme: this.sealer.scheme,
      ...(routes === undefined ? {} : { routes })
    })
    if (this.#replicator !== undefined) {
      this.#replicator.on('items', items => {
        void this.bridge.applyReceived(items.map(i => i.bytes)).catch(err => this.#log(`apply: ${(err as Error).name}`))
      })
      this.bridge.on('sealed', items => {
        this.#replicator?.notifyLocalItems(items)
      })
      this.#replicator.on('session-error', ({ facility, error }) => {
        this.#log(`sync with ${facility} ended: ${error.name}: ${error.message}`)
      })
      this.#replicator.on('peer', ({ facility, connected }) => {
        this.#log(`sync with ${facility}: ${connected ? 'session open' : 'session closed'}`)
      })
      await this.#replicator.start()
    }
  }

  /** Seals what is pending, stops the replicator and server, closes the store. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await this.bridge.close()
    await this.#replicator?.stop()
    await this.#http?.close()
    await this.repo.shutdown()
    await this.store.close()
  }

  /**
   * A referral addressed here that has arrived is marked `received`: that change travels back,
   * so the sender learns of delivery from the receiver itself, not from a guess.
   */
  #acknowledgeReferrals(patientId: PatientId, doc: PatientDoc | undefined): void {
    if (doc?.referrals === undefined || this.#stopped) return
    const me = this.facility.facility
    const arrived = Object.values(doc.referrals)
      .filter(r => r.to === me && currentStatus(r) === 'sent')
      .map(r => r.id)
    if (arrived.length === 0) return
    queueMicrotask(() => {
      void this.bridge
        .change<PatientDoc>(patientId, d => {
          for (const id of arrived) {
            if (currentStatus(d.referrals[id]!) === 'sent') advanceReferral(d, id, 'received', this.#ctx())
          }
        })
        .catch(err => this.#log(`referral receipt for ${patientId}: ${(err as Error).name}`))
    })
  }

  /** The replicator's transfer counters (bytes and frames each way), if it keeps them. */
  replicationMetrics(): Record<string, number> | undefined {
    return this.#replicator?.metrics?.()
  }

  #traffic(): { traffic?: SyncTraffic } {
    const m = this.replicationMetrics()
    if (m === undefined) return {}
    const { framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0, itemBytesOut = 0, streams = 0 } = m
    return { traffic: { framesIn, framesOut, bytesIn, bytesOut, itemBytesOut, streams } }
  }

  /** Whether the replicator runs in this process. */
  get replicating(): boolean {
    return this.#replicator !== undefined
  }

  #ctx(): ChangeContext {
    return { facility: this.facility.facility, at: this.#now().toISOString() }
  }

  async #peers(): Promise<ReplicatorPeer[]> {
    return this.#replicator !== undefined ? await this.#replicator.status() : []
  }

  async status(): Promise<NodeStatus> {
    const peers = await this.#peers()
    const byId = new Map(peers.map(p => [p.facility, p]))
    const others = (this.verifiedRoster?.body.entries ?? []).filter(e => e.facility !== this.facility.facility)
    const outgoing = await this.referrals('outgoing')
    return {
      facility: this.facility.facility,
      name: this.facility.name,
      kind: this.facility.kind,
      peers: others.map(e => {
        const p = byId.get(e.facility)
        return {
          facility: e.facility,
          name: e.name,
          connected: p?.connected ?? false,
          lastSeen: p?.lastSeen !== undefined ? new Date(p.lastSeen).toISOString() : undefined,
          itemsToSend: p?.itemsToSend ?? 0,
          itemsToReceive: p?.itemsToReceive
        }
      }),
      undeliveredReferrals: outgoing.filter(r => !r.delivered).length,
      openConflicts: this.views.openConflicts,
      items: await this.store.lastSeq(),
      patients: this.views.index.size,
      replication: this.#replicator !== undefined ? (this.#stopped ? 'stopped' : 'running') : 'unavailable',
      sealed: { items: this.bridge.stats.sealedItems, bytes: this.bridge.stats.sealedBytes },
      ...this.#traffic()
    }
  }

  async roster(): Promise<ApiRosterEntry[]> {
    const body = this.verifiedRoster?.body
    if (body === undefined) return []
    return [
      ...body.entries.map(e => ({ facility: e.facility, name: e.name, kind: e.kind, district: e.district })),
      ...body.revocations.map(r => ({
        facility: r.facility,
        name: r.facility,
        kind: 'CHC' as const,
        district: '',
        revoked: true
      }))
    ]
  }

  async searchPatients(query: string): Promise<PatientSummary[]> {
    return this.views.index.search(query)
  }

  async registerPatient(input: RegistrationInput): Promise<{ patientId: PatientId }> {
    // Every string an immutable scalar, as the record change functions write them (docs/design/0005).
    const initial = wrapStrings(newPatientDoc(input, this.#ctx()))
    const patientId = (await this.bridge.create(initial)) as PatientId
    return { patientId }
  }

  async patient(patientId: PatientId): Promise<unknown> {
    if (this.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const doc = await this.bridge.open<PatientDoc>(patientId)
    return doc === undefined ? undefined : readPatient(doc)
  }

  /** Also makes the record resident, so a browser asking for it next is answered (DocBridge, invariant 5). */
  async durableHeads(patientId: PatientId): Promise<string[] | undefined> {
    if (this.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    await this.bridge.resident(patientId)
    return this.bridge.durableHeads(patientId)
  }

  /**
   * Installs a newer signed roster (pinned authority, no rollback; also written to the data
   * directory), disconnects revoked facilities and rotates every document key they held.
   */
  async acceptRoster(file: RosterFile): Promise<RosterAccepted> {
    const accepted = await importRoster(this.dataDir.dir, file, this.sealer.scheme)
    this.verifiedRoster = accepted
    this.sealer.roster = accepted
    await this.#replicator?.updateRoster(accepted)
    const rotated = await this.#rotateRevoked()
    return { version: accepted.body.version, revoked: accepted.body.revocations.map(r => r.facility), rotated }
  }

  /**
   * For every document open here whose current key generation a revoked facility holds, seals a
   * rotation and grants to the remaining holders (keyring/rotate.ts); the new key seals every later
   * change. Concurrent rotations by other holders are settled by the bridge (the winner's key).
   */
  async #rotateRevoked(): Promise<number> {
    const roster = this.verifiedRoster
    if (roster === undefined || roster.body.revocations.length === 0) return 0
    let rotated = 0
    for (const docId of this.bridge.docIds()) {
      const access = (await this.store.accessItems(docId as PatientId)).map(i => i.bytes)
      const plan = planRotation(this.sealer, docId as PatientId, access, roster)
      if (plan === undefined) continue
      // Keyring the new key only once the rotation and its grants are stored with pending changes.
      await this.bridge.flushWith(docId, plan.items, () => {
        this.sealer.keyring.put(plan.key)
      })
      rotated++
      this.#log(`rotated ${docId} to generation ${plan.key.generation} (revoked: ${plan.revoked.join(', ')})`)
    }
    return rotated
  }

  /**
   * Crypto-shredding of one patient on this node: the document leaves the Repo and the views,
   * every item of it (so every grant that boxes its keys to or from this facility) is deleted from
   * the store, which records the erasure and refuses its items from then on, and every key
   * generation in memory is zeroed. Copies on other nodes remain until they erase too.
   */
  async erasePatient(patientId: PatientId): Promise<ErasureReport> {
    if (this.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const held = await this.store.itemsForDoc(patientId)
    if (held.length === 0 && !this.bridge.knows(patientId)) throw new PatientNotFoundError(patientId)
    if (this.store.eraseDoc === undefined) throw new NotImplementedError('erasure on this store')
    await this.bridge.forget(patientId)
    const items = await this.store.eraseDoc(patientId)
    const generations = this.sealer.erase(patientId)
    this.views.refresh(patientId, undefined)
    this.#replicator?.notifyLocalItems([])
    this.#log(`erased ${patientId}: ${generations} key generations, ${items} items`)
    return { patientId, generations, items }
  }

  async referrals(box: 'incoming' | 'outgoing'): Promise<ReferralSummary[]> {
    const views = this.views.referrals(box)
    const peers =
      box === 'outgoing' ? new Map((await this.#peers()).map(p => [p.facility, p])) : new Map<string, ReplicatorPeer>()
    const out: ReferralSummary[] = []
    for (const { patientId, referral } of views) {
      let delivered = true
      if (box === 'outgoing') {
        // Delivered when the receiver says so in the record (it marks arrivals `received`), or when
        // the replicator reports it acknowledged our log past the referral's items.
        const status = RecordViews.status(referral)
        const acked = peers.get(referral.to)?.ackedSeq
        delivered =
          status !== 'sent' || (acked !== undefined && acked >= (await this.#referralSeqOf(referral.id, patientId)))
      }
      out.push({
        patientId,
        referralId: referral.id,
        from: referral.from,
        to: referral.to,
        status: RecordViews.status(referral),
        urgency: referral.urgency,
        reason: referral.reason,
        createdAt: referral.createdAt,
        delivered
      })
    }
    return out
  }

  /**
   * The log position by which a referral and everything before it were stored here: the receiver
   * has it once it acknowledged that far. Referrals made in a browser fall back to the document's
   * latest item, which can only make `delivered` later, never early.
   */
  async #referralSeqOf(referralId: string, patientId: PatientId): Promise<number> {
    const cached = this.#referralSeq.get(referralId)
    if (cached !== undefined) return cached
    const stored = await this.store.getMeta?.(`referral-seq/${referralId}`)
    const seq = stored !== undefined ? Number(new TextDecoder().decode(stored)) : await this.#lastSeqOf(patientId)
    this.#referralSeq.set(referralId, seq)
    return seq
  }

  async #lastSeqOf(patientId: PatientId): Promise<number> {
    const items = await this.store.itemsForDoc(patientId)
    return items.reduce((m, i) => Math.max(m, i.seq), 0)
  }

  async createReferral(patientId: PatientId, input: ReferralInput): Promise<{ referralId: string }> {
    const handle = await this.bridge.resident<PatientDoc>(patientId)
    if (handle === undefined) throw new PatientNotFoundError(patientId)
    if (this.verifiedRoster === undefined || !this.verifiedRoster.body.entries.some(e => e.facility === input.to)) {
      throw new NotOnRosterError(input.to)
    }
    // Grant first in the same batch as the referral, so the receiver can open what it is sent.
    const grants = this.sealer.grantAll(patientId, input.to as FacilityId)
    let referralId: EntryId | undefined
    handle.change(d => {
      referralId = createReferral(d, input, this.#ctx())
    })
    // The bridge's `sealed` event hands the stored grant to the replicator, which then counts the
    // receiver entitled and offers it the document's older items (docs/PROTOCOL.md, Offer).
    await this.bridge.flushWith(patientId, grants)
    const seq = await this.#lastSeqOf(patientId)
    this.#referralSeq.set(referralId!, seq)
    await this.store.putMeta?.(`referral-seq/${referralId!}`, new TextEncoder().encode(String(seq)))
    return { referralId: referralId! }
  }

  /** Loads `count` synthetic patients (seeded), stored as sealed items; returns their ids. */
  async seed(
    count: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
    unique?: number
  ): Promise<string[]> {
    const ids = await seedPatients(this.bridge, this.facility, {
      count,
      seed,
      ...(onProgress !== undefined ? { onProgress } : {}),
      ...(unique !== undefined ? { unique } : {})
    })
    this.#replicator?.notifyLocalItems()
    return ids
  }

  /** Items of the documents `facility` is entitled to, for a bundle it will carry or receive. */
  async exportFor(facility: FacilityId): Promise<Uint8Array[]> {
    return await entitledItems(this.store, this.verifiedRoster, facility)
  }

  /**
   * Stores items from a bundle after every one verified against the roster (all or nothing);
   * applies what this facility can open and queues the rest for forwarding. Returns the new count.
   */
  async importItems(items: Uint8Array[], onRejected: (index: number, err: Error) => never): Promise<number> {
    const roster = this.verifiedRoster
    if (roster === undefined) throw new NotOnRosterError(this.facility.facility)
    items.forEach((bytes, i) => {
      const err = checkItem(bytes, roster, this.sealer.scheme)
      if (err !== undefined) onRejected(i, err)
    })
    let stored = 0
    for (let i = 0; i < items.length; i += 1000) {
      const fresh = await this.store.putItems(items.slice(i, i + 1000))
      stored += fresh.length
      await this.bridge.applyReceived(fresh.map(f => f.bytes))
    }
    this.#replicator?.notifyLocalItems()
    return stored
  }

  async patientFhir(patientId: PatientId): Promise<unknown[]> {
    if (this.sealer.isErased(patientId)) throw new PatientErasedError(patientId)
    const doc = await this.bridge.open<PatientDoc>(patientId)
    if (doc === undefined) throw new PatientNotFoundError(patientId)
    const facilities = Object.fromEntries(
      (this.verifiedRoster?.body.entries ?? []).map(e => [e.facility, { name: e.name }])
    )
    return exportPatientBundles({ doc, patientId, facilities })
  }

  /**
   * Imports one ABDM document bundle (validated first; an invalid one is refused with the rule it
   * broke). It merges into the patient with the same ABHA number if this node has one, else it
   * registers a new patient.
   */
  async importFhir(bundle: unknown): Promise<{ patientId: PatientId }> {
    const me = this.facility.facility
    const rec = importBundle(bundle, { facility: me })
    const abha = rec.patient.abhaNumber
    const existing = abha !== undefined ? this.views.index.search(abha).find(p => p.abhaNumber === abha) : undefined
    let patientId = existing?.patientId
    if (patientId === undefined) {
      patientId = (await this.registerPatient(registrationFromImport(rec, me))).patientId
    }
    await this.bridge.change<PatientDoc>(patientId, d => {
      applyImport(d, rec)
    })
    return { patientId }
  }
}

/** Reads and verifies the roster pinned in the data directory, if any. */
export async function loadRoster(dir: DataDir, scheme: SignatureScheme): Promise<VerifiedRoster | undefined> {
  const file = await dir.readRoster()
  if (file === undefined) return undefined
  return verifyRoster(b64.decode(file.roster), b64.decode(file.authorityKey), scheme)
}
