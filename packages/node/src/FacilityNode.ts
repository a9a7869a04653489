/**
 * The composition root of a facility node: it builds the keyring, item store, storage-less
 * automerge-repo `Repo` with its bridge to sealed items, derived views, HTTP/WebSocket server and
 * replicator, and hands out the application services (app/) that the HTTP routes, the CLI and the
 * tests use. It does no work of its own beyond wiring, starting and stopping.
 */
import { loggers, type LogSink } from './log.js'
import './polyfill.js'
import * as A from '@automerge/automerge'
import { Repo, type PeerId } from '@automerge/automerge-repo'
import type { IncomingMessage } from 'node:http'
import { creatorBoundIdBytes, verifyRoster, type SignatureScheme, type VerifiedRoster } from '@pagdandi/core/crypto'
import type { StaffSession } from '@pagdandi/core/staff'
import type { FacilityId, PatientDoc, PatientId } from '@pagdandi/core/record'
import type { AdmitItems, ItemId } from '@pagdandi/core/sync'
import { BundleService } from './app/BundleService.js'
import { CardService } from './app/CardService.js'
import { ConsentService } from './app/ConsentService.js'
import { ErasureService } from './app/ErasureService.js'
import { EverywhereService } from './app/EverywhereService.js'
import { FhirService } from './app/FhirService.js'
import type { NodeParts } from './app/parts.js'
import { PatientService } from './app/PatientService.js'
import { RecordService } from './app/RecordService.js'
import { WorkService } from './app/WorkService.js'
import { QuarantineService } from './app/QuarantineService.js'
import { ReferralService } from './app/ReferralService.js'
import { Replication } from './app/Replication.js'
import { RosterService } from './app/RosterService.js'
import { StatusService } from './app/StatusService.js'
import { nodeSignatureScheme } from './crypto/index.js'
import { HttpServer } from './http/HttpServer.js'
import { StaffService } from './staff/StaffService.js'
import type { NodeApi } from './http/NodeApi.js'
import { DataDir, b64, type FacilityFile } from './datadir/DataDir.js'
import { ItemSealer } from './crypto/ItemSealer.js'
import { RevocationFreeze } from './keyring/RevocationFreeze.js'
import { loadNodeKeys } from './keyring/keyringStore.js'
import { auditKeyFrom, type NodeKeys } from './keyring/NodeKeys.js'
import type { CardChannel, Documents, KeyringView, NodeStore, ReplicatorPort } from './ports.js'
import { GatedWebSocketAdapter } from './gate/SyncGate.js'
import { admission, storedCreator } from './repo/admission.js'
import { withNoticeChecks } from './repo/noticeAdmission.js'
import { admitReleased, EntitlementGate, isWaiting } from './repo/quota.js'
import { DEFAULT_GRANT_WAIT, GrantWait } from '@pagdandi/core/sync'
import { Authorship } from './repo/Authorship.js'
import { DEFAULT_RESIDENCY, Residency, type ResidencyLimits } from './repo/Residency.js'
import { DocBridge, type StartProgress } from './repo/DocBridge.js'
import { DocIndex } from './repo/DocIndex.js'
import { startBridge } from './repo/startup.js'
import { Quarantine } from './repo/Quarantine.js'
import type { AuditInput } from './staff/AuditLog.js'
import { RecordViews } from './repo/RecordViews.js'
import { SealedStorage } from './repo/SealedStorage.js'

/** Everything a node needs besides its data directory and secret; tests inject the parts. */
export interface FacilityNodeOptions {
  data: string
  secret: string
  /** Listen for the UI and API; false for CLI commands that only touch the store. */
  http?: { host?: string; port?: number; names?: readonly string[]; tls?: { cert: string; key: string } } | false
  uiDir?: string
  /**
   * Where operator-visible log lines go (info, warn, error; `debug` only under DEBUG=pagdandi:*);
   * never given patient data.
   */
  log?: LogSink
  now?: () => Date
  scheme?: SignatureScheme
  openStore: (dir: string) => Promise<NodeStore>
  /** Builds the replicator; omitted or returning undefined runs the node offline. */
  createReplicator?: (ctx: ReplicatorContext) => ReplicatorPort | undefined
  /** Progress of the start-up rebuild (items scanned). */
  onProgress?: StartProgress
  /** How many documents (and bytes of their changes) stay resident; the coldest beyond are evicted. */
  residency?: Partial<ResidencyLimits>
  /**
   * Tests only: who is behind a `/sync` upgrade request (looked up for every message). Omitted (as
   * in production), it is the session the request's cookie names (StaffService.sessionOf).
   */
  syncSessionOf?: (req: IncomingMessage) => Promise<StaffSession | undefined>
  /** Tests only: where the `/sync` gate records changes and refusals; omitted, the node's audit log. */
  audit?: (entry: AuditInput) => Promise<void>
}

/** What a replicator is built from. */
export interface ReplicatorContext {
  keys: NodeKeys
  /** This facility's file (`facility.json`). */
  self: FacilityFile
  roster: VerifiedRoster | undefined
  store: NodeStore
  scheme: SignatureScheme
  /** Local routes from `routes.json` (DataDir.readRoutes), if any. */
  routes?: ReadonlyMap<string, readonly string[]>
  /** Content checks of received items before they are stored (repo/admission.ts). */
  admit?: AdmitItems
  /** Stored items never to send: those left out of their documents as bad (found at start-up). */
  withhold?: (id: ItemId) => boolean
  /** Installs a newer roster a peer sent (RosterService.adoptFromPeer), so rosters travel. */
  adoptRoster?: (roster: Uint8Array) => Promise<VerifiedRoster>
  /** Serves the health card protocol to a member (CardService.serve). */
  serveCard?: (channel: CardChannel, from: FacilityId) => Promise<void>
}

/** The parts only the root holds: what it starts, stops and builds the replicator from. */
interface Internals {
  opts: FacilityNodeOptions
  dataDir: DataDir
  keys: NodeKeys
  repo: Repo
  http: HttpServer | undefined
  parts: NodeParts
  staff: StaffService
}

/** A running facility node. */
export class FacilityNode implements NodeApi {
  readonly #in: Internals
  #stopped = false
  /** Where the HTTP server listens, once started. */
  url: string | undefined

  /** This facility as initialised (`facility.json`): its HFR id is `self.facility`. */
  readonly self: FacilityFile
  readonly status: StatusService
  readonly patients: PatientService
  /** Demographic corrections, merges and unmerges. */
  readonly records: RecordService
  /** Today's OPD queue, lab worklist and referral badges. */
  readonly work: WorkService
  readonly referrals: ReferralService
  readonly roster: RosterService
  readonly fhir: FhirService
  readonly erasure: ErasureService
  /** Sharing under consent terms and their expiry; erasure requested of every holder. */
  readonly consent: ConsentService
  readonly everywhere: EverywhereService
  readonly quarantine: QuarantineService
  /** Bundle export and import (`pagdandi export|import`). */
  readonly bundles: BundleService
  /** The patient's health card: print, open, revoke, and serving card holders. */
  readonly cards: CardService
  /** The documents open here, as plain Automerge documents (tests, the demo, CLI summaries). */
  readonly documents: Documents
  /** The document keys held in memory (read-only). */
  readonly keys: KeyringView
  /** Staff accounts, sign-in sessions and the audit log. */
  readonly staff: StaffService

  private constructor(internals: Internals, roster: RosterService) {
    this.#in = internals
    const { parts } = internals
    this.self = parts.self
    this.roster = roster
    this.patients = new PatientService(parts)
    this.records = new RecordService(parts)
    this.work = new WorkService(parts)
    this.referrals = new ReferralService(parts)
    this.status = new StatusService(parts, this.referrals)
    this.fhir = new FhirService(parts, this.patients)
    this.erasure = new ErasureService(parts)
    this.consent = new ConsentService(parts, this.erasure)
    this.everywhere = new EverywhereService(parts, this.erasure)
    this.quarantine = new QuarantineService(parts)
    this.bundles = new BundleService(parts, {
      beforeApply: async items => await this.consent.learn(items),
      afterApply: async items => await this.everywhere.received(items)
    })
    this.cards = new CardService(parts, this.bundles)
    this.documents = parts.bridge
    this.keys = parts.sealer.keyring
    this.staff = internals.staff
  }

  /** The HTTP server, when the node serves one (`syncSessionOf` binds a `/sync` socket to its staff member). */
  get http(): HttpServer | undefined {
    return this.#in.http
  }

  /** Opens the data directory, decrypts the keyring and rebuilds every openable document. */
  static async open(opts: FacilityNodeOptions): Promise<FacilityNode> {
    const dataDir = new DataDir(opts.data)
    const scheme = opts.scheme ?? nodeSignatureScheme()
    const self = await dataDir.readFacility()
    const keys = await loadNodeKeys(dataDir, opts.secret)
    const verified = await loadRoster(dataDir, scheme)
    const store = await opts.openStore(dataDir.itemsDir)
    let http: HttpServer | undefined
    const network = []
    const now = opts.now ?? (() => new Date())
    const staff = new StaffService(opts.data, self.facility, auditKeyFrom(keys.keyring), {
      date: now,
      now: () => now().getTime()
    })
    // The audit log shares the disk: an append that fails stops the node's writes as a store write would.
    const latch = store.latch?.bind(store)
    if (latch !== undefined) staff.audit.onWriteFault = latch
    const authorship = new Authorship()
    const log = loggers(opts.log)
    // The gate needs the bridge, which needs the Repo, which needs the gate: bound once built.
    let bridge: DocBridge | undefined
    if (opts.http !== false && opts.http !== undefined) {
      http = new HttpServer(undefined, {
        ...opts.http,
        staff,
        ...(opts.uiDir !== undefined ? { uiDir: opts.uiDir } : {}),
        log: log('http').error
      })
      network.push(
        new GatedWebSocketAdapter(http.wss, {
          resident: async docId => await bridge?.resident(docId),
          authorship,
          facility: self.facility,
          log: log('gate').warn,
          // The real sign-in unless a test names who is behind each socket. Sync traffic alone (a
          // referral arriving, acknowledgements) keeps no session alive; the UI's saves do.
          sessionOf: opts.syncSessionOf ?? (async req => (await staff.sessionOf(req, { touch: false }))?.staff),
          audit:
            opts.audit ??
            (async entry => {
              await staff.audit.record(entry)
            })
        })
      )
    }
    // A read-only storage adapter: it loads cold documents from sealed items and writes nothing, so
    // plaintext never reaches disk (Invariant 6). Browsers ask for documents by id, so the node
    // announces none (sharePolicy false) and 10,000 documents stay quiet.
    const storage = new SealedStorage()
    const repo = new Repo({
      network,
      storage,
      peerId: `node-${self.facility}` as PeerId,
      sharePolicy: async () => false,
      // Every document created here gets an id bound to this facility (docs/PROTOCOL.md, "Document id").
      idFactory: async () => creatorBoundIdBytes(self.facility)
    })
    const sealer = new ItemSealer(keys.keyring, verified, scheme)
    bridge = new DocBridge(repo, store, sealer, authorship, new Residency({ ...DEFAULT_RESIDENCY, ...opts.residency }))
    storage.loader = async docId => await bridge!.storedChanges(docId)
    const replication = new Replication()
    const quarantine = new Quarantine(store, now, log('quarantine'))
    await quarantine.load()
    bridge.exclude(quarantine.list().map(e => e.itemId))
    bridge.on('refused', (bytes, err) => {
      quarantine.keep(bytes, err)
    })
    const freeze = new RevocationFreeze(store)
    await freeze.apply(verified)
    const base = { store, bridge, sealer, replication, log, freeze }
    const roster = new RosterService(base, dataDir.dir, verified)
    const gate = new EntitlementGate(
      store,
      () => roster.current,
      self.facility,
      new GrantWait(DEFAULT_GRANT_WAIT, () => now().getTime()),
      (bytes, err) => {
        quarantine.keep(bytes, err)
      }
    )
    const creatorOf = storedCreator(store, () => roster.current?.body.entries.map(e => e.facility) ?? [])
    const parts: NodeParts = {
      ...base,
      self,
      views: new RecordViews(self.facility),
      roster,
      quarantine,
      now,
      gate,
      admit: withNoticeChecks(admission(sealer, bridge, freeze, creatorOf, self.facility, gate), creatorOf)
    }
    const docIndex = documentIndex(store, bridge, sealer, parts.views, log('repo').info)
    if (docIndex !== undefined) parts.docIndex = docIndex
    const node = new FacilityNode({ opts, dataDir, keys, repo, http, parts, staff }, roster)
    bridge.on('doc', (id, cold) => {
      // Read once per change: the views and the receipt check look at plain strings.
      const doc = (cold ?? bridge.doc(id)) as A.Doc<PatientDoc> | undefined
      const read = doc === undefined ? undefined : parts.views.derive(doc)
      parts.views.restore(id as PatientId, read?.source)
      docIndex?.changed(id, doc === undefined ? undefined : { heads: A.getHeads(doc), view: read?.source })
      node.referrals.acknowledge(id as PatientId, read?.plain)
    })
    bridge.on('sealed', items => {
      docIndex?.indexed(items)
    })
    bridge.on('error', err => {
      log('repo').error(`repo bridge: ${err.name}: ${err.message}`)
    })
    sealer.markErased((await store.erasedDocs?.()) ?? [])
    await startBridge(bridge, {
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      ...(docIndex === undefined
        ? {}
        : {
            index: {
              index: docIndex,
              keys: sealer,
              restore: (id, view) => {
                parts.views.restore(id as PatientId, view)
                // A receipt not yet marked (the node stopped first) is marked now, as a full start would.
                if (view !== undefined && view.referrals.length > 0)
                  node.referrals.acknowledge(
                    id as PatientId,
                    {
                      referrals: Object.fromEntries(view.referrals.map(r => [r.id, r]))
                    } as PatientDoc
                  )
              }
            }
          }),
      log: log('repo').info
    })
    // A roster revoking a holder may have been installed while the node was down (or the node
    // stopped before rotating): rotation is idempotent, so check every start.
    await roster.rotateRevoked()
    // An expired consent is erased before the API answers, and requests left unanswered by a crash are answered.
    await node.consent.sweep()
    await node.everywhere.resume()
    if (http !== undefined) http.api = node
    return node
  }

  /** Starts the HTTP server and the replicator. */
  async start(): Promise<void> {
    const { opts, dataDir, keys, http, parts } = this.#in
    if (http !== undefined) this.url = (await http.listen()).url
    this.consent.sweepEverySecond()
    const routes = await dataDir.readRoutes()
    const replicator = opts.createReplicator?.({
      keys,
      self: parts.self,
      roster: parts.roster.current,
      store: parts.store,
      scheme: parts.sealer.scheme,
      admit: parts.admit,
      withhold: id => parts.bridge.isExcluded(id),
      adoptRoster: async bytes => await this.roster.adoptFromPeer(bytes),
      serveCard: async (channel, from) => await this.cards.serve(channel, from),
      ...(routes === undefined ? {} : { routes })
    })
    if (replicator === undefined) return
    parts.replication.attach(replicator)
    replicator.on('items', items => {
      void this.consent
        .learn(items)
        .then(async () => await parts.bridge.applyReceived(items.map(i => i.bytes)))
        .then(async () => {
          parts.docIndex?.indexed(items)
          // A grant among them releases what waited for it (quotas): stored, applied, forwarded.
          const released = await admitReleased(parts.gate, parts.admit, parts.store, items, (b, e) => {
            parts.quarantine.keep(b, e)
          })
          await this.everywhere.received([...items, ...released])
          if (released.length === 0) return
          await this.consent.learn(released)
          await parts.bridge.applyReceived(released.map(i => i.bytes))
          replicator.notifyLocalItems(released)
          parts.docIndex?.indexed(released)
        })
        .catch((err: unknown) => parts.log('sync').error(`apply: ${(err as Error).name}`))
    })
    parts.bridge.on('sealed', items => {
      replicator.notifyLocalItems(items)
    })
    replicator.on('refused', (refused, from) => {
      for (const r of refused) if (!isWaiting(r.error)) parts.quarantine.keep(r.bytes, r.error, from)
    })
    replicator.on('session-error', ({ facility, error }) => {
      parts.log('sync').warn(`sync with ${facility} ended: ${error.name}: ${error.message}`)
    })
    replicator.on('peer', ({ facility, connected }) => {
      parts.log('sync').debug(`sync with ${facility}: ${connected ? 'session open' : 'session closed'}`)
    })
    await replicator.start()
  }

  /** Whether the replicator runs in this process. */
  get replicating(): boolean {
    return this.#in.parts.replication.state !== 'unavailable'
  }

  /** Seals what is pending, stops the replicator and server, closes the store. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const { http, repo, parts } = this.#in
    this.consent.stopSweeping()
    this.referrals.close()
    await parts.bridge.close()
    await parts.docIndex
      ?.close()
      .catch((err: unknown) => parts.log('repo').error(`document index: ${(err as Error).name}`))
    await parts.replication.stop()
    await http?.close()
    await repo.shutdown()
    await parts.quarantine.idle()
    await parts.store.close()
  }
}

/** The persisted document index, if the store can hold one (LevelItemStore can; the memory store cannot). */
function documentIndex(
  store: NodeStore,
  bridge: DocBridge,
  sealer: ItemSealer,
  views: RecordViews,
  log: (line: string) => void
): DocIndex | undefined {
  const { indexEntries, writeIndex } = store
  if (indexEntries === undefined || writeIndex === undefined) return undefined
  const storage = {
    indexEntries: () => indexEntries.call(store),
    writeIndex: async (puts: [string, Uint8Array][], dels: string[], clear?: boolean) =>
      await writeIndex.call(store, puts, dels, clear),
    logSince: async (seq: number, limit: number) => await store.logSince(seq, limit),
    lastSeq: async () => await store.lastSeq()
  }
  const sources = {
    knows: (id: string) => bridge.knows(id),
    durableHeads: (id: string) => bridge.durableHeads(id),
    doc: (id: string) => bridge.doc(id),
    keysOf: (id: string) => sealer.keysOf(id),
    unsettled: (id: string) => sealer.unsettled(id),
    viewOf: (doc: A.Doc<PatientDoc>) => views.sourceOf(doc)
  }
  return new DocIndex(storage, sealer.identity.box.secretKey, sealer.identity.facility, sources, log)
}

/** Reads and verifies the roster pinned in the data directory, if any. */
export async function loadRoster(dir: DataDir, scheme: SignatureScheme): Promise<VerifiedRoster | undefined> {
  const file = await dir.readRoster()
  if (file === undefined) return undefined
  return verifyRoster(b64.decode(file.roster), b64.decode(file.authorityKey), scheme)
}
