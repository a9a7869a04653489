/** The signed-in staff member as the node, `/sync` and the UI see them. */
import type { FacilityId, PractitionerId } from '../record/types.js'
import type { Role } from './roles.js'

/** A staff account's id: random, opaque, never derived from a name. */
export type StaffId = string & { readonly __brand: 'StaffId' }

/** Who is signed in: what `GET /api/session` answers and what `/sync` binds a socket to. */
export interface StaffSession {
  staffId: StaffId
  username: string
  name: string
  role: Role
  /** HPR id (14 digits, bare) of a practitioner. */
  hprId?: PractitionerId
  facility: FacilityId
}
