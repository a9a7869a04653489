import * as A from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { editDemographics } from './demographics.js'
import { checkEdit } from './edit.js'
import { InvalidPatientDocumentError, InvalidRecordInputError, RecordMergeError } from './errors.js'
import { activeMerges, linkMerge, mergedFrom, mergedInto, undoMerge } from './recordMerge.js'
import { createPatientDoc } from './registration.js'
import { readPatient } from './strings.js'
import type { PatientDoc, PatientId } from './types.js'
import { CHC, DH, MEDICAL_OFFICER, registration, testContext } from './test-fixtures.js'

type Doc = A.Doc<PatientDoc>
const KEPT = 'kept-record-id-0001' as PatientId
const GONE = 'gone-record-id-0002' as PatientId
const base = (): Doc => createPatientDoc(registration(), testContext(CHC, 'r'))
const edit = (doc: Doc, fn: (d: PatientDoc) => void): Doc => A.change(A.clone(doc), d => fn(d))
const ctx = { ...testContext(CHC, 'm'), by: MEDICAL_OFFICER }

describe('a reversible merge of two records, one side per document', () => {
  it('links both records with who and when; the kind is a merge, claimed by its writer', () => {
    const gone0 = base()
    const gone1 = edit(gone0, d => linkMerge(d, GONE, 'into', KEPT, ctx))
    const kept0 = base()
    const kept1 = edit(kept0, d => linkMerge(d, KEPT, 'from', GONE, ctx))
    expect(mergedInto(readPatient(gone1))).toBe(KEPT)
    expect(mergedFrom(readPatient(kept1))).toEqual([GONE])
    expect(mergedInto(readPatient(kept1))).toBeUndefined()
    const link = activeMerges(readPatient(gone1))[0]!
    expect(link).toMatchObject({ direction: 'into', otherPatient: KEPT, by: CHC, author: MEDICAL_OFFICER })
    const s = checkEdit(gone0, gone1)
    expect(s.kinds).toEqual(['merge'])
    expect(s.claims[0]).toMatchObject({ facilities: [CHC], author: MEDICAL_OFFICER })
  })

  it('an unmerge ends both links and keeps them; both records are as they were', () => {
    const gone = edit(base(), d => linkMerge(d, GONE, 'into', KEPT, ctx))
    const undone = edit(gone, d => undoMerge(d, GONE, KEPT, ctx))
    const plain = readPatient(undone)
    expect(mergedInto(plain)).toBeUndefined()
    expect(Object.values(plain.merges!)[0]!.undone).toMatchObject({ by: CHC, author: MEDICAL_OFFICER })
    const s = checkEdit(gone, undone)
    expect(s.kinds).toEqual(['merge'])
    expect(() => edit(undone, d => undoMerge(d, GONE, KEPT, ctx))).toThrow(RecordMergeError)
    // Merged again after an unmerge: a new link, the old one stays as history.
    const again = edit(undone, d => linkMerge(d, GONE, 'into', KEPT, ctx))
    expect(Object.keys(readPatient(again).merges!)).toHaveLength(2)
    expect(mergedInto(readPatient(again))).toBe(KEPT)
  })

  it('refuses a record merged with itself, a second merge away, and merging a survivor away', () => {
    const refused = (doc: Doc, fn: (d: PatientDoc) => void): string => {
      try {
        edit(doc, fn)
      } catch (err) {
        expect(err).toBeInstanceOf(RecordMergeError)
        return (err as RecordMergeError).reason
      }
      throw new Error('accepted')
    }
    expect(refused(base(), d => linkMerge(d, GONE, 'into', GONE, ctx))).toBe('self')
    const gone = edit(base(), d => linkMerge(d, GONE, 'into', KEPT, ctx))
    expect(refused(gone, d => linkMerge(d, GONE, 'into', 'x-other-record' as PatientId, ctx))).toBe('already-merged')
    expect(refused(gone, d => linkMerge(d, GONE, 'from', 'x-other-record' as PatientId, ctx))).toBe('survivor-merged')
    const kept = edit(base(), d => linkMerge(d, KEPT, 'from', GONE, ctx))
    expect(refused(kept, d => linkMerge(d, KEPT, 'into', 'x-other-record' as PatientId, ctx))).toBe('survivor-merged')
  })

  it('a hostile change cannot remove a link, rewrite one, or rewrite its unmerge', () => {
    const gone = edit(base(), d => linkMerge(d, GONE, 'into', KEPT, ctx))
    const id = Object.keys(gone.merges!)[0]!
    const path = (fn: (d: Record<string, unknown>) => void): string => {
      const after = A.change(A.clone(gone), d => fn(d as unknown as Record<string, unknown>))
      try {
        checkEdit(gone, after)
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidPatientDocumentError)
        return (err as InvalidPatientDocumentError).path
      }
      throw new Error('accepted')
    }
    const merges = (d: Record<string, unknown>) => d.merges as Record<string, Record<string, unknown>>
    expect(path(d => delete merges(d)[id])).toBe(`merges/${id}`)
    expect(path(d => (merges(d)[id]!.otherPatient = new A.ImmutableString('someone-else')))).toBe(
      `merges/${id}/otherPatient`
    )
    expect(path(d => (merges(d)[id]!.direction = new A.ImmutableString('sideways')))).toMatch(/^merges\//)
    const undone = edit(gone, d => undoMerge(d, GONE, KEPT, ctx))
    const rewritten = A.change(A.clone(undone), d => {
      const u = (d.merges![id as never] as unknown as Record<string, Record<string, unknown>>).undone!
      u.at = new A.ImmutableString('2026-11-21T09:30:00.000Z')
    })
    expect(() => checkEdit(undone, rewritten)).toThrow(InvalidPatientDocumentError)
  })
})

describe('editing demographics', () => {
  it('replaces the fields given, keeps the old name as a variant, removes a phone given as null', () => {
    const d0 = base()
    const before = readPatient(d0).demographics
    let changed: string[] = []
    const d1 = edit(d0, d => {
      changed = editDemographics(d, { name: 'Sunita Kashyap', village: 'Kilepal', phone: null }, ctx)
    })
    const after = readPatient(d1).demographics
    expect(after.name).toBe('Sunita Kashyap')
    expect(after.nameVariants).toContain(before.name)
    expect(after.address.village).toBe('Kilepal')
    expect(after.phone).toBeUndefined()
    expect(changed).toEqual(expect.arrayContaining(['name', 'village']))
    expect(checkEdit(d0, d1).kinds).toEqual(['demographics'])
  })

  it('refuses an unknown field, a future birth date and an empty correction, writing nothing', () => {
    const d0 = base()
    expect(() => edit(d0, d => editDemographics(d, { colour: 'blue' } as never, ctx))).toThrow(InvalidRecordInputError)
    expect(() =>
      edit(d0, d => editDemographics(d, { birth: { kind: 'date', date: '2099-01-01' } }, testContext(DH)))
    ).toThrow(/birth/)
    expect(() => edit(d0, d => editDemographics(d, {}, ctx))).toThrow(InvalidRecordInputError)
  })
})
