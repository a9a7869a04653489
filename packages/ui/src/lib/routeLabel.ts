/** A route of administration in the user's language; one the catalogue does not know is shown as written. */
import { locale, t } from './i18n/locale.svelte.js'

export function routeLabel(route: string): string {
  const key = `route.${route}`
  return locale.has(key) ? t(key) : route
}
