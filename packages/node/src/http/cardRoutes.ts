/** The health card routes (docs/ROLES.md): print, revoke, open a scanned code and follow its fetch. */
import type { PatientId } from '@pagdandi/core/record'
import { BadRequestError, RouteNotFoundError } from './errors.js'
import type { NodeApi } from './NodeApi.js'
import type { ApiRequest, ApiResponse } from './routes.js'

const CARD = /^\/api\/patients\/([A-Za-z0-9]{8,64})\/card(\/revoke)?$/
const FETCH = /^\/api\/cards\/fetches\/([0-9a-f]{24})$/

/** The answer of a card route, or undefined when the path is not one. */
export async function routeCards(api: NodeApi, req: ApiRequest): Promise<ApiResponse | undefined> {
  const { method, path } = req
  const card = method === 'POST' ? CARD.exec(path) : null
  if (card !== null) {
    const days = daysOf(await req.body())
    const id = card[1] as PatientId
    if (card[2] === '/revoke') return { status: 201, json: await api.cards.revoke(id, days) }
    return { status: 201, json: await api.cards.print(id, days) }
  }
  if (method === 'POST' && path === '/api/cards/open') {
    const b = await req.body()
    const code: unknown = typeof b === 'object' && b !== null ? Reflect.get(b, 'code') : undefined
    return { status: 202, json: await api.cards.open(code) }
  }
  const f = method === 'GET' ? FETCH.exec(path) : null
  if (f !== null) {
    const st = await api.cards.fetch(f[1]!)
    if (st === undefined) throw new RouteNotFoundError(method, path)
    return { status: 200, json: st }
  }
  return undefined
}

function daysOf(body: unknown): number | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('body: expected a JSON object')
  const days: unknown = Reflect.get(body, 'days')
  if (days === undefined) return undefined
  if (typeof days !== 'number' || !Number.isInteger(days)) throw new BadRequestError('days: a whole number')
  return days
}
