import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import {
  CardProofRefusedError,
  CardRevokedError,
  CardExpiredError,
  CardNotFoundError,
  MalformedCardFrameError,
  deriveCardKeys,
  encodeCardFrame,
  sealCard,
  sealCardRevocation
} from '@pagdandi/core/card'
import {
  documentIdFromBytes,
  identityFromSecrets,
  newDocumentKey,
  sealChange,
  sealGrant,
  tweetnaclScheme as scheme,
  type FacilityIdentity,
  type RosterEntry
} from '@pagdandi/core/crypto'
import type { FacilityId } from '@pagdandi/core/record'
import type { CardChannel } from '../ports.js'
import { fetchWithCard, serveCard, type CardServerParts } from './cardExchange.js'

/** Two ends of an in-memory frame channel. */
function pipe(): [CardChannel, CardChannel] {
  const queues: Uint8Array[][] = [[], []]
  const waiting: (((b: Uint8Array) => void) | undefined)[] = [undefined, undefined]
  const end = (me: 0 | 1): CardChannel => ({
    read: async () => {
      const q = queues[me]!
      if (q.length > 0) return q.shift()!
      return await new Promise(resolve => (waiting[me] = resolve))
    },
    write: async bytes => {
      const other = me === 0 ? 1 : 0
      const w = waiting[other]
      if (w !== undefined) {
        waiting[other] = undefined
        w(bytes)
      } else queues[other]!.push(bytes)
    },
    close: () => {}
  })
  return [end(0), end(1)]
}

const seeded = (n: number): Uint8Array => nacl.hash(Uint8Array.of(n)).slice(0, 32)
const identity = (n: number): FacilityIdentity =>
  identityFromSecrets(`IN22100000${String(n).padStart(2, '0')}` as FacilityId, seeded(n), seeded(n + 100))
const entryFor = (id: FacilityIdentity): RosterEntry => ({
  facility: id.facility,
  name: id.facility,
  kind: 'CHC',
  district: 'Bastar',
  signingKey: id.signing.publicKey,
  boxKey: id.box.publicKey,
  peerId: '',
  addresses: [],
  carriesFor: []
})
const [chc, hub, dh, other] = [identity(1), identity(4), identity(2), identity(3)]
const docId = documentIdFromBytes(seeded(50).subarray(0, 16))
const k0 = newDocumentKey(docId, 0)
const secret = nacl.hash(Uint8Array.of(7)).slice(0, 16)
const keys = deriveCardKeys(docId, secret)
const window = { notBefore: 1_700_000_000, notAfter: 1_900_000_000 }
const genesis = sealGrant(k0, chc, entryFor(chc), 1, scheme)
const change = sealChange(Uint8Array.of(1, 2, 3), k0, chc, 1, scheme)
const card = sealCard(k0, keys, window, chc, 1, scheme)

function server(items: Uint8Array[], now = 1_800_000_000): CardServerParts {
  return {
    me: hub.facility,
    scheme,
    accessItems: async () => items.filter(b => b !== change),
    items: async () => items,
    nowSeconds: () => now,
    timeoutMs: 2000
  }
}

async function exchange(
  items: Uint8Array[],
  ask = keys,
  now?: number
): Promise<{ got: Uint8Array[] | Error; served: string }> {
  const [a, b] = pipe()
  const served = serveCard(b, dh.facility, server(items, now))
  const got = await fetchWithCard(a, { docId, keys: ask, me: dh.facility, server: hub.facility, scheme }, 2000).catch(
    (err: Error) => err
  )
  return { got, served: await served }
}

describe('card protocol: what a carrier serves, to whom', () => {
  it('serves every item of the record to a member that proves the card', async () => {
    const { got, served } = await exchange([genesis, change, card])
    expect(got).toEqual([genesis, change, card])
    expect(served).toBe('served 3 items')
  })

  it('serves nothing for a card it does not hold, a revoked card or one outside its window', async () => {
    const none = await exchange([genesis, change])
    expect(none.got).toBeInstanceOf(CardNotFoundError)
    const revoked = await exchange([genesis, change, card, sealCardRevocation(k0, keys.auth.publicKey, chc, 1, scheme)])
    expect(revoked.got).toBeInstanceOf(CardRevokedError)
    const late = await exchange([genesis, change, card], keys, window.notAfter + 1)
    expect(late.got).toBeInstanceOf(CardExpiredError)
    expect([none.served, revoked.served, late.served]).toEqual([
      'refused unknown',
      'refused revoked',
      'refused outside-window'
    ])
  })

  it('serves nothing to a peer that signs the challenge with another key', async () => {
    const [a, b] = pipe()
    const served = serveCard(b, dh.facility, server([genesis, change, card]))
    // It names the real card's key but cannot sign with it.
    const thief = deriveCardKeys(docId, nacl.hash(Uint8Array.of(8)).slice(0, 16))
    const got = await fetchWithCard(
      a,
      {
        docId,
        keys: { ...thief, auth: { publicKey: keys.auth.publicKey, secretKey: thief.auth.secretKey } },
        me: dh.facility,
        server: hub.facility,
        scheme
      },
      2000
    ).catch((err: Error) => err)
    expect(got).toBeInstanceOf(CardProofRefusedError)
    expect(await served).toBe('refused bad-proof')
  })

  it('a proof made for another facility pair is refused', async () => {
    // A DH relays a proof the server would check against (asker, server): signed for another asker.
    const [a, b] = pipe()
    const served = serveCard(b, other.facility, server([genesis, change, card]))
    const got = await fetchWithCard(a, { docId, keys, me: dh.facility, server: hub.facility, scheme }, 2000).catch(
      (err: Error) => err
    )
    expect(got).toBeInstanceOf(CardProofRefusedError)
    expect(await served).toBe('refused bad-proof')
  })

  it('a hostile server: garbage, frames out of order, a wrong count or silence end the fetch by name', async () => {
    for (const frames of [
      [Uint8Array.of(9, 9, 9)],
      [encodeCardFrame({ type: 'end', count: 0 })],
      [encodeCardFrame({ type: 'challenge', nonce: new Uint8Array(32) }), encodeCardFrame({ type: 'end', count: 3 })],
      []
    ]) {
      const [a, b] = pipe()
      for (const f of frames) await b.write(f)
      const got = await fetchWithCard(a, { docId, keys, me: dh.facility, server: hub.facility, scheme }, 300).catch(
        (err: Error) => err
      )
      expect(got).toBeInstanceOf(MalformedCardFrameError)
    }
  })
})
