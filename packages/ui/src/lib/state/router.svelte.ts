/** Hash routes of the app, so a reload or a bookmark lands on the same screen with no server routing. */
import { createSubscriber } from 'svelte/reactivity'
import type { PatientId } from '@pagdandi/core/record'

/** A screen and its parameters. */
export type Route =
  | { name: 'search' }
  | { name: 'chart'; patientId: PatientId }
  | { name: 'encounter'; patientId: PatientId }
  | { name: 'refer'; patientId: PatientId }
  | { name: 'summary'; patientId: PatientId; referralId: string }
  | { name: 'conflicts'; patientId: PatientId }
  | { name: 'edit'; patientId: PatientId }
  | { name: 'inbox' }
  | { name: 'today' }
  | { name: 'sync' }
  | { name: 'staff' }

/** Parses `#/patient/<id>/…` style hashes; unknown hashes show the search screen. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [a, id, b, c] = parts
  if (a === 'inbox') return { name: 'inbox' }
  if (a === 'today') return { name: 'today' }
  if (a === 'sync') return { name: 'sync' }
  if (a === 'staff') return { name: 'staff' }
  if (a === 'patient' && id) {
    const patientId = id as PatientId
    if (b === 'encounter') return { name: 'encounter', patientId }
    if (b === 'refer') return { name: 'refer', patientId }
    if (b === 'conflicts') return { name: 'conflicts', patientId }
    if (b === 'edit') return { name: 'edit', patientId }
    if (b === 'summary' && c) return { name: 'summary', patientId, referralId: c }
    return { name: 'chart', patientId }
  }
  return { name: 'search' }
}

/** The hash for a route. */
export function href(route: Route): string {
  const e = encodeURIComponent
  switch (route.name) {
    case 'search':
      return '#/'
    case 'inbox':
      return '#/inbox'
    case 'today':
      return '#/today'
    case 'sync':
      return '#/sync'
    case 'staff':
      return '#/staff'
    case 'chart':
      return `#/patient/${e(route.patientId)}`
    case 'summary':
      return `#/patient/${e(route.patientId)}/summary/${e(route.referralId)}`
    default:
      return `#/patient/${e(route.patientId)}/${route.name}`
  }
}

/** The current route, following `hashchange`. */
export class Router {
  #subscribe = createSubscriber(update => {
    addEventListener('hashchange', update)
    return () => removeEventListener('hashchange', update)
  })

  /** The route the location hash names now. */
  get current(): Route {
    this.#subscribe()
    return parseRoute(location.hash)
  }

  /** Navigates to a route (adds a history entry, so Back works). */
  go(route: Route): void {
    location.hash = href(route)
  }
}

/** The app's router. */
export const router = new Router()
