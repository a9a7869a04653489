/**
 * How well the words someone typed match the words of a stored name or place, in either script
 * (nameKeys.ts). A match is `approximate` when only a phonetic or skeleton key agrees, so the
 * screen can mark it ("Suneeta" for "Sunita"); the same letters, in either script, are exact.
 */
import { wordKeys, type WordKeys } from './nameKeys.js'
import { words } from './transliteration.js'

/** One word's match: higher is better. */
export interface WordMatch {
  score: number
  approximate: boolean
}

const SAME: WordMatch = { score: 11, approximate: false }
const EXACT: WordMatch = { score: 10, approximate: false }
const SOUND: WordMatch = { score: 9, approximate: true }
const PREFIX: WordMatch = { score: 7, approximate: false }
const SOUND_PREFIX: WordMatch = { score: 5, approximate: true }
const SKELETON: WordMatch = { score: 4, approximate: true }
const SKELETON_PREFIX: WordMatch = { score: 3, approximate: true }

/**
 * The keys of each distinct word, shared by every entry that has the word: a district's names and
 * villages repeat, so 100,000 patients hold a few thousand distinct key sets instead of a million
 * copies. Frozen, as they are shared; bounded, so a stream of distinct words only stops sharing.
 */
const SHARED = new Map<string, Readonly<WordKeys>>()
const MAX_SHARED_WORDS = 1 << 17

function keysOf(word: string): Readonly<WordKeys> {
  const known = SHARED.get(word)
  if (known !== undefined) return known
  const keys = Object.freeze(wordKeys(word))
  if (SHARED.size < MAX_SHARED_WORDS) SHARED.set(word, keys)
  return keys
}

/** The keys of every word of a text (a name, a place). */
export const textKeys = (text: string): Readonly<WordKeys>[] =>
  words(text)
    .map(keysOf)
    .filter(k => k.plain.length > 0)

/** How a typed word `q` matches a stored word `n`, or undefined when it does not. */
export function matchWord(q: WordKeys, n: WordKeys): WordMatch | undefined {
  // The same letters in the same script rank first; the same letters across scripts next.
  if (q.plain === n.plain) return SAME
  if (q.latin.length > 0 && q.latin === n.latin) return EXACT
  if (q.sound.length > 0 && q.sound === n.sound) return SOUND
  // A prefix needs enough letters to mean something: "Su" is half the register.
  if (q.latin.length >= 3 && n.latin.startsWith(q.latin)) return PREFIX
  if (q.sound.length >= 3 && n.sound.startsWith(q.sound)) return SOUND_PREFIX
  if (q.skeleton.length > 0 && q.skeleton === n.skeleton && q.latin.length >= 3) return SKELETON
  if (q.skeleton.length >= 3 && n.skeleton.startsWith(q.skeleton)) return SKELETON_PREFIX
  return undefined
}

/** The best match of `q` among `stored`, or undefined. */
export function bestMatch(q: WordKeys, stored: readonly WordKeys[]): WordMatch | undefined {
  let best: WordMatch | undefined
  for (const n of stored) {
    const m = matchWord(q, n)
    if (m !== undefined && (best === undefined || m.score > best.score)) best = m
  }
  return best
}

/**
 * Every typed word must match one of the stored words: the total score, and whether any word
 * matched only approximately. Undefined when some word matches nothing.
 */
export function matchAll(query: readonly WordKeys[], stored: readonly WordKeys[]): WordMatch | undefined {
  if (query.length === 0) return undefined
  let score = 0
  let approximate = false
  for (const q of query) {
    const m = bestMatch(q, stored)
    if (m === undefined) return undefined
    score += m.score
    approximate ||= m.approximate
  }
  return { score, approximate }
}
