import { describe, expect, it } from 'vitest'
import { ACTIONS, PERMISSIONS, ROLES, can, hprRule, isRole } from './index.js'

describe('roles', () => {
  it('refuses every action not in the matrix and allows every one in it', () => {
    for (const action of ACTIONS)
      for (const role of ROLES) expect(can(role, action)).toBe(PERMISSIONS[action].includes(role))
  })

  it('keeps clinical writes with the accountable role and admin work with the admin', () => {
    expect(can('registration-clerk', 'patient.register')).toBe(true)
    expect(can('registration-clerk', 'diagnosis.record')).toBe(false)
    expect(can('medical-officer', 'referral.create')).toBe(true)
    expect(can('lab-technician', 'lab.result')).toBe(true)
    expect(can('medical-officer', 'lab.result')).toBe(false)
    expect(can('pharmacist', 'dispensing.record')).toBe(true)
    expect(can('facility-admin', 'prescription.write')).toBe(false)
    for (const a of ['staff.manage', 'audit.view', 'patient.erase', 'roster.update'] as const)
      expect(ROLES.filter(r => can(r, a))).toEqual(['facility-admin'])
  })

  it('names roles and HPR rules', () => {
    expect(isRole('nurse')).toBe(true)
    expect(isRole('doctor')).toBe(false)
    expect(isRole(7)).toBe(false)
    expect(hprRule('medical-officer')).toBe('required')
    expect(hprRule('pharmacist')).toBe('optional')
    expect(hprRule('registration-clerk')).toBe('none')
  })
})
