import { describe, expect, it } from 'vitest'
import { Prng } from '../testing/prng.js'
import { MAX_FRAME_BYTES, MAX_ITEM_BYTES } from './constants.js'
import { decodeFrame, encodeFrame, type Frame } from './frames.js'

const token = new Uint8Array(16).fill(3)
const samples: Frame[] = [
  {
    type: 'hello',
    facility: 'IN2210000001' as never,
    rosterVersion: 7,
    epoch: new Uint8Array(16).fill(1),
    lastSeq: 300
  },
  {
    type: 'hello',
    facility: 'IN2210000001' as never,
    rosterVersion: 7,
    epoch: new Uint8Array(16).fill(1),
    lastSeq: 0,
    cursor: { seq: 12, token }
  },
  { type: 'batch', batchNo: 3, upTo: 99, token, items: [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(9)] },
  { type: 'batch', batchNo: 4, upTo: 0, items: [] },
  { type: 'ack', batchNo: 4 },
  { type: 'offer', docId: 'doc-1' as never },
  { type: 'have', docId: 'doc-1' as never, ids: ['ab' as never, 'cd' as never] },
  { type: 'repair' },
  { type: 'repair-fin' },
  { type: 'summary-request', ranges: [{ lo: '' }, { lo: 'a', hi: 'b' }] },
  {
    type: 'summary',
    ranges: [
      { lo: '', hi: 'm', kind: 'fp', fp: new Uint8Array(16).fill(5), count: 40 },
      {
        lo: 'm',
        kind: 'entries',
        entries: [
          { docId: 'n1' as never, fp: new Uint8Array(16), count: 2 },
          { docId: 'n2' as never, fp: new Uint8Array(16), count: 1 }
        ]
      }
    ]
  }
]

describe('frame codec', () => {
  it('round-trips every frame type', () => {
    for (const f of samples) expect(decodeFrame(encodeFrame(f))).toEqual(f)
  })

  it('rejects an unknown version, an unknown type, trailing bytes and truncation with named errors', () => {
    const hello = encodeFrame(samples[0]!)
    const badVersion = hello.slice()
    badVersion[0] = 2
    expect(() => decodeFrame(badVersion)).toThrow(expect.objectContaining({ name: 'UnsupportedVersionError' }))
    const badType = hello.slice()
    badType[1] = 200
    expect(() => decodeFrame(badType)).toThrow(expect.objectContaining({ name: 'UnknownFrameTypeError' }))
    const trailing = new Uint8Array([...hello, 0])
    expect(() => decodeFrame(trailing)).toThrow(expect.objectContaining({ name: 'MalformedFrameError' }))
    for (let n = 0; n < hello.length; n++) {
      expect(() => decodeFrame(hello.subarray(0, n))).toThrow(
        expect.objectContaining({ name: expect.stringMatching(/MalformedFrameError|UnsupportedVersionError/) })
      )
    }
  })

  it('rejects oversized frames and items before allocating for them', () => {
    expect(() => decodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1))).toThrow(
      expect.objectContaining({ name: 'FrameTooLargeError' })
    )
    // A batch whose item length prefix claims more than the item cap.
    const claim = encodeFrame({ type: 'batch', batchNo: 1, upTo: 0, items: [new Uint8Array(1)] })
    const forged = new Uint8Array([...claim.subarray(0, 5), 0x81, 0x80, 0x40])
    expect(forged[4]).toBe(1)
    expect(() => decodeFrame(forged)).toThrow(expect.objectContaining({ name: 'FrameTooLargeError' }))
    expect(MAX_ITEM_BYTES).toBeLessThan(MAX_FRAME_BYTES)
  })

  it('rejects ids that are not printable ASCII and unsorted summary entries', () => {
    const offer = encodeFrame({ type: 'offer', docId: 'ab' as never })
    const bad = offer.slice()
    bad[bad.length - 1] = 0x0a
    expect(() => decodeFrame(bad)).toThrow(expect.objectContaining({ name: 'MalformedFrameError' }))
    const summary = encodeFrame({
      type: 'summary',
      ranges: [
        {
          lo: '',
          kind: 'entries',
          entries: [
            { docId: 'b' as never, fp: new Uint8Array(16), count: 1 },
            { docId: 'a' as never, fp: new Uint8Array(16), count: 1 }
          ]
        }
      ]
    })
    expect(() => decodeFrame(summary)).toThrow(expect.objectContaining({ name: 'MalformedFrameError' }))
  })

  it('never throws anything but a named error on random bytes (seeded)', () => {
    const seed = 9917
    const prng = new Prng(seed)
    for (let i = 0; i < 5000; i++) {
      const base = encodeFrame(prng.pick(samples))
      const buf = base.slice()
      for (let k = prng.int(1, 4); k > 0; k--) buf[prng.int(0, buf.length - 1)] = prng.int(0, 255)
      try {
        decodeFrame(buf)
      } catch (err) {
        expect((err as Error).name, `seed ${seed}, case ${i}`).toMatch(
          /^(MalformedFrameError|FrameTooLargeError|UnsupportedVersionError|UnknownFrameTypeError)$/
        )
      }
    }
  })
})
