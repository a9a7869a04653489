/**
 * Spelling-tolerant keys for names and villages written in Latin script.
 *
 * The same Gondi or Halbi name is written many ways at registration desks (Somaru/Somru,
 * Markam/Markaam, Kawasi/Kawasee, Bhima/Bheema/Beema). The key keeps what clerks agree on, the
 * consonant skeleton, and drops what they do not: vowel length, inner vowels, aspiration and
 * doubled letters.
 */

/** Ordered rewrites: digraphs before single letters, so `kh` is folded before `h` is seen alone. */
const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[^a-z]/g, ''],
  [/chh/g, 'c'],
  [/ch/g, 'c'],
  [/([kgtdpbcj])h/g, '$1'], // aspirates: kh→k, bh→b, th→t …
  [/sh/g, 's'],
  [/ph/g, 'f'],
  [/f/g, 'p'],
  [/w/g, 'v'],
  [/z/g, 'j'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/(.)\1+/g, '$1'] // doubled letters: Markaam → Markam, Kawasee → Kawase
]

/** Lower-case letters only; the basis of exact matching. */
export function plainLetters(word: string): string {
  return word
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '')
}

/**
 * The spelling-tolerant key of one word: its first letter, then its consonants with aspiration,
 * doubling and vowels removed. Two spellings of one name share a key.
 */
export function skeleton(word: string): string {
  let w = plainLetters(word)
  for (const [re, to] of REWRITES) w = w.replace(re, to)
  if (w.length === 0) return ''
  const head = w[0] === 'y' ? 'i' : w[0]!
  // A leading vowel is kept (Ishwar vs Shwar); inner vowels and 'h' carry too little agreement.
  const tail = w.slice(1).replace(/[aeiouyh]/g, '')
  return (/[aeiou]/.test(head) ? 'a' : head) + tail
}

/** Splits a name or place into words. */
export function words(text: string): string[] {
  return text.split(/[\s.,'\-/]+/).filter(w => w.length > 0)
}

/** The digits of a text. */
export const digits = (s: string): string => s.replace(/\D/g, '')

/** Indian mobile numbers are compared on their last 10 digits (+91 and trunk 0 dropped). */
export const phoneKey = (s: string): string => digits(s).slice(-10)
