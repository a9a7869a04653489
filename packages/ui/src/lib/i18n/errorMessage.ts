/**
 * Turns any error into a message in the user's language. Record errors are matched by their stable
 * `name`; the field they name (the text before `:` in their message, which carries no patient data)
 * is shown by its label. Nothing raw (stack, message, value) ever reaches the screen.
 */
import { NodeRequestError } from '../errors.js'
import { locale, type Locale } from './locale.svelte.js'
import type { MessageKey } from './en.js'

const BY_NAME: Record<string, MessageKey> = {
  NodeUnreachableError: 'err.offline',
  DocumentUnavailableError: 'err.docUnavailable',
  InvalidAbhaNumberError: 'err.abhaNumber',
  InvalidAbhaAddressError: 'err.abhaAddress',
  InvalidHfrIdError: 'err.facility',
  InvalidHprIdError: 'err.practitioner',
  InvalidDateError: 'err.date',
  InvalidCodeError: 'err.code',
  VitalOutOfRangeError: 'err.vital',
  InvalidRecordInputError: 'err.input',
  EntryNotFoundError: 'err.entryNotFound',
  InvalidReferralTransitionError: 'err.referralTransition',
  UnknownConflictPathError: 'err.conflictPath',
  PatientNotFoundError: 'err.patientNotFound',
  BadRequestError: 'err.input',
  BodyTooLargeError: 'err.tooLarge',
  ForbiddenOriginError: 'err.unknown',
  NotImplementedError: 'err.notAvailable',
  StoreFaultedError: 'err.storeFaulted',
  StoreDamagedError: 'err.storeDamaged',
  InvalidFhirBundleError: 'err.fhirBundle',
  UnnamedPatientError: 'err.unnamedPatient',
  RoleForbiddenError: 'err.roleForbidden',
  SignInRequiredError: 'err.signInRequired',
  DuplicateIdentifierError: 'err.duplicateIdentifier',
  RecordMergeError: 'err.recordMerge',
  SignInFailedError: 'err.signInFailed',
  SignInLockedError: 'err.signInLocked',
  StaffExistsError: 'err.staffExists',
  InvalidStaffError: 'err.staff',
  LastAdminError: 'err.lastAdmin',
  StaffNotFoundError: 'err.staffNotFound',
  PatientErasedError: 'err.patientErased',
  ConsentTermsError: 'err.consentTerms',
  ErasureNotByHomeError: 'err.erasureNotByHome',
  ErasureNotIssuedError: 'err.erasureNotIssued',
  NotOnRosterError: 'err.notOnRoster'
}

/** Why the facility server refused a `/sync` change (docs/PROTOCOL.md, `/sync` refusal), by error name. */
export const SYNC_REFUSALS: Record<string, MessageKey> = {
  InvalidPatientDocumentError: 'err.syncSchema',
  RoleForbiddenError: 'err.syncRole',
  ClaimedAuthorError: 'err.syncAuthor',
  SignInRequiredError: 'err.syncSignIn',
  SyncDocumentUnknownError: 'err.syncUnknown',
  IncompleteSyncChangeError: 'err.syncIncomplete'
}

/** The message for a `/sync` refusal named `name`, in the current language. */
export function refusalMessage(name: string, l: Locale = locale): string {
  return l.t(SYNC_REFUSALS[name] ?? 'err.syncSchema')
}

/** The field an error names, as a message key, when the catalogue has a label for it. */
function fieldKey(message: string, l: Locale): MessageKey | undefined {
  const m = /^([A-Za-z][A-Za-z0-9.[\]]*)\s*:/.exec(message)
  if (!m) return undefined
  const parts = m[1]!.replace(/\[\d+\]/g, '').split('.')
  // The most specific label wins: `vitals.systolic` before `systolic`.
  for (let i = 0; i < parts.length; i++) {
    const key = `field.${parts.slice(i).join('.')}`
    if (l.has(key)) return key
  }
  return undefined
}

/** A user-facing message for `err`, in the current language. */
export function errorMessage(err: unknown, l: Locale = locale): string {
  let name = err instanceof Error ? err.name : ''
  let message = err instanceof Error ? err.message : ''
  if (err instanceof NodeRequestError) {
    name = err.remoteName
    message = err.remoteMessage
  }
  const key = BY_NAME[name] ?? 'err.unknown'
  const field = fieldKey(message, l)
  return field ? l.t('err.withField', { field: l.t(field), message: l.t(key) }) : l.t(key)
}
