/**
 * What a scenario needs from a system under test. Each system (Pagdandi, automerge-repo default
 * and tuned, PouchDB) runs as real processes; the driver hides how each one is told what to do.
 * "Source" is the side holding the data and listening (the hub, or the facility serving it);
 * "sink" is the side that dials through the emulated link and must converge.
 */
import type { LinkEmulator } from '../link/index.js'
import type { Usage } from '../peers/rpc.js'

/** Outcome of waiting for convergence. */
export interface SyncOutcome {
  done: boolean
  ms: number
  /** Documents still missing when the wait ended (0 when done). */
  missing?: number
}

/** One system under test. */
export interface Driver {
  readonly name: string
  /** The port the sink dials, when the system fixes it (a roster address); otherwise any. */
  readonly linkPort?: number
  /** Told which link the measured sync runs over, for systems whose clock starts at its first connection. */
  attachLink?(link: LinkEmulator): void
  /** Start the source holding `corpusFile`, listening on 127.0.0.1; resolves with its port. */
  startSource(corpusFile: string): Promise<number>
  /** Start an empty sink process. */
  startSink(): Promise<void>
  /**
   * Bring the sink to the source's current state without measuring (the state after an earlier
   * sync). `viaPort` is a loopback path to the source the driver may use; it must be the port
   * the measured sync will dial later, where the system keys its checkpoints on the address.
   */
  preload(sourcePort: number, viaPort: () => Promise<{ port: number; close: () => Promise<void> }>): Promise<void>
  /** Change `fraction` of the source's documents (a new encounter each); resolves with how many. */
  mutate(fraction: number, seed: number): Promise<number>
  /**
   * Connect the sink through `port` and wait until it holds what the source holds. `live` keeps
   * the sink connected (and reconnecting) afterwards, for `awaitCurrent`.
   */
  sync(port: number, timeoutMs: number, live?: boolean): Promise<SyncOutcome>
  /** Over the live connection from `sync`, wait until the sink holds the source's current state. */
  awaitCurrent(timeoutMs: number): Promise<SyncOutcome>
  /** Peak RSS and CPU of the source and the sink. */
  usage(): Promise<{ source: Usage; sink: Usage }>
  /** System-specific figures for the report (e.g. the sync streams a run needed), read before `stop`. */
  extras?(): Promise<Record<string, number | string>>
  stop(): Promise<void>
}

/** A system that can also run the three-party relay scenario (CHC → hub → DH). */
export interface RelayDriver {
  readonly name: string
  /**
   * Start hub (listening, empty), CHC (holding the corpus) and DH. `link` makes an emulated link
   * to a port and returns the port to dial. Resolves when the DH holds the CHC's documents.
   */
  relay(
    corpusFile: string,
    link: (target: number, leg: 'chc-hub' | 'hub-dh') => Promise<number>,
    timeoutMs: number
  ): Promise<SyncOutcome & { usage: Usage[] }>
  stop(): Promise<void>
}
