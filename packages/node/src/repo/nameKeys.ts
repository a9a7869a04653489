/**
 * Keys that let one name written in Devanagari and in Latin letters, and in the many Latin
 * spellings registration desks use, find each other.
 *
 * A Devanagari word is first romanised the way a Hindi speaker would write it in Latin letters:
 * `@indic-transliteration/sanscript` gives the IAST reading, after the inherent vowels Hindi does
 * not say are removed (schwa deletion: राजेश is "Rajesh", not "Rājeśa"; कमला is "Kamla"), then its
 * marks are folded to plain a–z. Latin words are lower-cased to a–z. Each word then has:
 * - `plain`: its letters in its own script (same letters: an exact match);
 * - `latin`: its a–z form (a Devanagari and a Latin spelling with the same letters: exact);
 * - `sound`: a phonetic key for Hindi names in Latin (aa/a, ee/i, oo/u, w/v, sh/s, aspirates,
 *   doubled letters, z/j, f/ph, anusvara before a stop): another spelling of the same sounds;
 * - `skeleton`: the consonant skeleton (transliteration.ts), the loosest key.
 */
import { createRequire } from 'node:module'
import { skeleton } from './transliteration.js'

type Transliterate = (data: string, from: string, to: string) => string
// The package is CommonJS (`module.exports = Sanscript`) while its types declare an ES default
// export that NodeNext resolution reads as a namespace; requiring it gives the object itself.
const sanscript: unknown = createRequire(import.meta.url)('@indic-transliteration/sanscript')
const transliterate: Transliterate = (data, from, to) => {
  const t: unknown = typeof sanscript === 'object' && sanscript !== null ? Reflect.get(sanscript, 't') : undefined
  if (typeof t !== 'function') throw new TypeError('@indic-transliteration/sanscript: no t()')
  return String(Reflect.apply(t, sanscript, [data, from, to]))
}

/** The keys of one word of a name or a place. */
export interface WordKeys {
  plain: string
  latin: string
  sound: string
  skeleton: string
}

const DEVANAGARI = /[\u0900-\u097F]/
const VIRAMA = '\u094D'
const NUKTA = '\u093C'
const isConsonant = (c: string): boolean => (c >= '\u0915' && c <= '\u0939') || (c >= '\u0978' && c <= '\u097F')
const isMatra = (c: string): boolean =>
  (c >= '\u093E' && c <= '\u094C') || c === '\u0962' || c === '\u0963' || (c >= '\u0955' && c <= '\u0957')
const isModifier = (c: string): boolean => c === '\u0901' || c === '\u0902' || c === '\u0903'

interface Unit {
  text: string
  consonant: boolean
  /** For a consonant: its vowel is the inherent a (no matra, no virama). */
  inherent: boolean
  /** Closed by an anusvara, chandrabindu or visarga. */
  modified: boolean
  virama: boolean
}

function units(word: string): Unit[] {
  const out: Unit[] = []
  for (const c of word) {
    const last = out[out.length - 1]
    if (isConsonant(c)) out.push({ text: c, consonant: true, inherent: true, modified: false, virama: false })
    else if (last !== undefined && last.consonant && last.inherent && !last.virama && (isMatra(c) || c === VIRAMA)) {
      last.text += c
      last.inherent = false
      last.virama = c === VIRAMA
    } else if (last !== undefined && isModifier(c)) {
      last.text += c
      last.modified = true
    } else out.push({ text: c, consonant: false, inherent: false, modified: false, virama: false })
  }
  return out
}

/**
 * Hindi schwa deletion (after Ohala): the inherent a of a word's last consonant is not said, nor
 * that of a consonant between an open syllable and a consonant that keeps its vowel (V C _ C V),
 * scanned right to left. The deleted ones get a virama, so the transliteration leaves them out.
 * Compounds defeat it (ज्ञानवती comes out "gyanavti", not "gyanvati"); the sound and skeleton keys
 * still find such names, marked approximate.
 */
function deleteSchwas(word: string): string {
  const u = units(word)
  const deleted = u.map(() => false)
  const keepsVowel = (i: number): boolean => {
    const x = u[i]!
    return x.consonant ? !x.virama && !deleted[i] : true
  }
  for (let i = u.length - 1; i >= 1; i--) {
    const x = u[i]!
    if (!x.consonant || !x.inherent || x.modified) continue
    if (i === u.length - 1) deleted[i] = true
    else if (u[i + 1]!.consonant && keepsVowel(i + 1) && keepsVowel(i - 1)) deleted[i] = true
  }
  return u.map((x, i) => (deleted[i] ? x.text + VIRAMA : x.text)).join('')
}

/** IAST letters folded to the way Hindi names are written in Latin letters, before marks are dropped. */
const IAST_FOLDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[ṛṝ]/g, 'ri'],
  [/ṃ(?=[pbm])/g, 'm'],
  [/ṃ|m̐/g, 'n'],
  [/ḥ/g, 'h'],
  [/[śṣ]/g, 'sh'],
  [/jñ/g, 'gy'],
  [/c(?!h)/g, 'ch']
]

/** A Devanagari word in the a–z letters a Hindi speaker would write it with ("कश्यप" → "kashyap"). */
export function romanize(word: string): string {
  const bare = word.normalize('NFD').replaceAll(NUKTA, '')
  let s = transliterate(deleteSchwas(bare), 'devanagari', 'iast').toLowerCase()
  for (const [re, to] of IAST_FOLDS) s = s.replace(re, to)
  return s.normalize('NFKD').replace(/[^a-z]/g, '')
}

/** Ordered phonetic rewrites of an a–z word: digraphs first, then single letters, then doubling. */
const SOUND_REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  [/chh/g, 'c'],
  [/ch/g, 'c'],
  [/sh/g, 's'],
  [/([kgtdpbj])h/g, '$1'], // aspirates: kh→k, bh→b, th→t, ph→p …
  [/f/g, 'p'],
  [/w/g, 'v'],
  [/z/g, 'j'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/ee/g, 'i'],
  [/oo/g, 'u'],
  [/m(?=[kgcjtd])/g, 'n'], // an anusvara written m or n: Shamkar, Shankar
  [/(.)\1+/g, '$1'] // aa → a, ii → i, tt → t
]

/** The phonetic key of an a–z word: Suneeta, Sunita and सुनीता share "sunita". */
export function soundKey(latin: string): string {
  let s = latin
  for (const [re, to] of SOUND_REWRITES) s = s.replace(re, to)
  return s
}

/** The keys of one word in either script. */
export function wordKeys(word: string): WordKeys {
  const nfc = word.normalize('NFC').toLowerCase()
  const devanagari = DEVANAGARI.test(nfc)
  const plain = devanagari ? nfc.replace(/[^\u0900-\u097F]/g, '') : nfc.normalize('NFKD').replace(/[^a-z]/g, '')
  const latin = devanagari ? romanize(plain) : plain
  return { plain, latin, sound: soundKey(latin), skeleton: skeleton(latin) }
}
